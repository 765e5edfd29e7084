package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;

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
     * @return {@code [batch, seq, hidden]} in the inputs' manager
     */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, boolean training) {
        long seq = inputIds.getShape().get(inputIds.getShape().dimension() - 1);
        if (seq > maxPositions) {
            throw new BadInputException("sequence length " + seq + " exceeds max_position_embeddings " + maxPositions
                    + "; truncate the inputs (max_length <= " + maxPositions + ")");
        }
        // Intermediates are closed at the end of the scope (see BertLayer); only the output survives.
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDManager m = inputIds.getManager();
            NDArray positionIds = m.arange(0, (int) seq, 1, DataType.INT64);
            NDArray types = tokenTypeIds != null ? tokenTypeIds : m.zeros(inputIds.getShape(), DataType.INT64);
            NDArray x = wordEmbeddings.forward(inputIds)
                    .add(tokenTypeEmbeddings.forward(types))
                    .add(positionEmbeddings.forward(positionIds));
            out = dropout.forward(layerNorm.forward(x), training);
            NDScope.unregister(out);
        }
        NDScope.register(out); // belongs to the caller's scope, if it opened one
        return out;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return wordEmbeddings.getOutputShapes(inputShapes);
    }
}
