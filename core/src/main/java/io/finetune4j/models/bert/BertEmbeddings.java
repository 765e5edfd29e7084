package io.finetune4j.models.bert;

import io.finetune4j.BadInputException;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertEmbeddings}: word + absolute position + token type embeddings, then LayerNorm and dropout. */
public final class BertEmbeddings extends Module {
    private final int maxPositions;
    private final TorchEmbedding wordEmbeddings;
    private final TorchEmbedding positionEmbeddings;
    private final TorchEmbedding tokenTypeEmbeddings;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    public BertEmbeddings(BertConfig c, ParameterFactory f) {
        this.maxPositions = c.maxPositionEmbeddings();
        wordEmbeddings = register("word_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), c.hiddenSize(), c.padTokenId()));
        positionEmbeddings = register("position_embeddings", f, p -> new TorchEmbedding(p, c.maxPositionEmbeddings(), c.hiddenSize(), null));
        tokenTypeEmbeddings = register("token_type_embeddings", f, p -> new TorchEmbedding(p, c.typeVocabSize(), c.hiddenSize(), null));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
        dropout = register("dropout", new TorchDropout(c.hiddenDropoutProb()));
    }

    /**
     * @param inputIds int64 {@code [batch, seq]}
     * @param tokenTypeIds int64 {@code [batch, seq]} or null (all zeros, as HF)
     * @return {@code [batch, seq, hidden]}; the intermediates are freed on return
     */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, boolean training) {
        long seqLength = inputIds.size(-1);
        if (seqLength > maxPositions) {
            throw new BadInputException("sequence length " + seqLength + " exceeds max_position_embeddings " + maxPositions
                    + "; truncate the inputs (max_length <= " + maxPositions + ")");
        }
        return Tensor.scoped(() -> {
            Tensor positionIds = Tensor.arange(seqLength).to(inputIds.device());
            Tensor types = tokenTypeIds != null ? tokenTypeIds : Tensor.zeros(DType.INT64, inputIds.shape()).to(inputIds.device());
            Tensor inputsEmbeds = wordEmbeddings.forward(inputIds);
            Tensor embeddings = inputsEmbeds.add(tokenTypeEmbeddings.forward(types)).add(positionEmbeddings.forward(positionIds));
            embeddings = layerNorm.forward(embeddings);
            return dropout.forward(embeddings, training);
        });
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }
}
