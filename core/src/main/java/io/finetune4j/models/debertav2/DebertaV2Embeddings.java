package io.finetune4j.models.debertav2;

import io.finetune4j.BadInputException;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code DebertaV2Embeddings}: word embeddings, plus absolute positions when position_biased_input (DeBERTa-v3
 * has none) and token types when type_vocab_size > 0, projected to hidden_size when embedding_size differs, then
 * LayerNorm, zeroed at padding (the mask multiplies the embeddings) and dropout.
 */
public final class DebertaV2Embeddings extends Module {
    private final DebertaV2Config c;
    private final TorchEmbedding wordEmbeddings;
    private final TorchEmbedding positionEmbeddings;
    private final TorchEmbedding tokenTypeEmbeddings;
    private final TorchLinear embedProj;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    DebertaV2Embeddings(DebertaV2Config c, ParameterFactory f) {
        this.c = c;
        int emb = c.embeddingSize();
        wordEmbeddings = register("word_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), emb, c.padTokenId()));
        positionEmbeddings = c.positionBiasedInput()
                ? register("position_embeddings", f, p -> new TorchEmbedding(p, c.maxPositionEmbeddings(), emb, null)) : null;
        tokenTypeEmbeddings = c.typeVocabSize() > 0
                ? register("token_type_embeddings", f, p -> new TorchEmbedding(p, c.typeVocabSize(), emb, null)) : null;
        embedProj = emb != c.hiddenSize() ? register("embed_proj", f, p -> new TorchLinear(p, emb, c.hiddenSize(), false)) : null;
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
        dropout = register("dropout", new TorchDropout(c.hiddenDropoutProb()));
    }

    /**
     * @param inputIds int64 {@code [batch, seq]}
     * @param tokenTypeIds int64 {@code [batch, seq]} or null (zeros)
     * @param mask float32 {@code [batch, seq]} 1/0
     */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor mask, boolean training) {
        long seqLength = inputIds.size(1);
        if (positionEmbeddings != null && seqLength > c.maxPositionEmbeddings()) {
            throw new BadInputException("sequence length " + seqLength + " exceeds max_position_embeddings " + c.maxPositionEmbeddings()
                    + "; truncate the inputs (max_length <= " + c.maxPositionEmbeddings() + ")");
        }
        Tensor embeddings = wordEmbeddings.forward(inputIds);
        if (positionEmbeddings != null) {
            Tensor positionIds = Tensor.arange(seqLength).to(inputIds.device());
            embeddings = embeddings.add(positionEmbeddings.forward(positionIds));
        }
        if (tokenTypeEmbeddings != null) {
            if (tokenTypeIds == null) {
                tokenTypeIds = Tensor.zeros(DType.INT64, inputIds.shape()).to(inputIds.device());
            }
            embeddings = embeddings.add(tokenTypeEmbeddings.forward(tokenTypeIds));
        }
        if (embedProj != null) {
            embeddings = embedProj.forward(embeddings);
        }
        embeddings = layerNorm.forward(embeddings);
        embeddings = embeddings.mul(mask.unsqueeze(-1));
        return dropout.forward(embeddings, training);
    }


    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }
}
