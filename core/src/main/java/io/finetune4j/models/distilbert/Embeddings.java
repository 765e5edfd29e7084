package io.finetune4j.models.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;

/**
 * HF's DistilBERT {@code Embeddings}: word + position embeddings (no token types), LayerNorm (eps 1e-12), dropout.
 * With {@code sinusoidal_pos_embds} the position table starts as HF's {@code create_sinusoidal_embeddings} and is frozen.
 */
public final class Embeddings extends Module {
    private final int maxPositions;
    private final TorchEmbedding wordEmbeddings;
    private final TorchEmbedding positionEmbeddings;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    Embeddings(DistilBertConfig c, ParameterFactory f) {
        maxPositions = c.maxPositionEmbeddings();
        wordEmbeddings = register("word_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), c.dim(), c.padTokenId()));
        positionEmbeddings = register("position_embeddings", f, p -> c.sinusoidalPosEmbds()
                ? TorchEmbedding.withInitialValues(p, c.maxPositionEmbeddings(), c.dim(), sinusoidal(c.maxPositionEmbeddings(), c.dim()))
                : new TorchEmbedding(p, c.maxPositionEmbeddings(), c.dim(), null));
        if (c.sinusoidalPosEmbds()) {
            positionEmbeddings.weight().freeze(true);
        }
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.dim(), 1e-12));
        dropout = register("dropout", new TorchDropout(c.dropout()));
    }

    /** HF's create_sinusoidal_embeddings: even columns sin(pos / 10000^(2⌊j/2⌋/dim)), odd columns cos of the same angle. */
    static float[] sinusoidal(int positions, int dim) {
        float[] out = new float[positions * dim];
        for (int pos = 0; pos < positions; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                out[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return out;
    }

    /** {@code [batch, seq]} int64 ids → {@code [batch, seq, dim]}. */
    public NDArray forward(NDArray inputIds, boolean training) {
        long seq = inputIds.getShape().get(1);
        if (seq > maxPositions) {
            throw new BadInputException("sequence length " + seq + " exceeds max_position_embeddings " + maxPositions
                    + "; truncate the inputs (max_length <= " + maxPositions + ")");
        }
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray positions = inputIds.getManager().arange(0, (int) seq, 1, DataType.INT64);
            NDArray x = wordEmbeddings.forward(inputIds).add(positionEmbeddings.forward(positions));
            out = dropout.forward(layerNorm.forward(x), training);
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return wordEmbeddings.getOutputShapes(inputShapes);
    }
}
