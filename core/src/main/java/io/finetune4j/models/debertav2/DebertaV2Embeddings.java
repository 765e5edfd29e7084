package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

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
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray mask, boolean training) {
        long seq = inputIds.getShape().get(1);
        if (positionEmbeddings != null && seq > c.maxPositionEmbeddings()) {
            throw new BadInputException("sequence length " + seq + " exceeds max_position_embeddings " + c.maxPositionEmbeddings()
                    + "; truncate the inputs (max_length <= " + c.maxPositionEmbeddings() + ")");
        }
        NDManager m = inputIds.getManager();
        NDArray x = wordEmbeddings.forward(inputIds);
        if (positionEmbeddings != null) {
            x = x.add(positionEmbeddings.forward(m.arange(0, (int) seq, 1, DataType.INT64)));
        }
        if (tokenTypeEmbeddings != null) {
            x = x.add(tokenTypeEmbeddings.forward(tokenTypeIds != null ? tokenTypeIds : m.zeros(inputIds.getShape(), DataType.INT64)));
        }
        if (embedProj != null) {
            x = embedProj.forward(x);
        }
        x = layerNorm.forward(x).mul(mask.expandDims(-1));
        return dropout.forward(x, training);
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : ids.getManager().ones(ids.getShape());
        return new NDList(forward(ids, inputs.size() > 1 ? inputs.get(1) : null, mask, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(c.hiddenSize())};
    }
}
