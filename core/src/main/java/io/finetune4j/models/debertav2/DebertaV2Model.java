package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code DebertaV2Model}: embeddings and the relative-position encoder (no pooler; the heads pool). */
public final class DebertaV2Model extends Module {
    private final DebertaV2Embeddings embeddings;
    private final DebertaV2Encoder encoder;

    DebertaV2Model(DebertaV2Config c, ParameterFactory f) {
        embeddings = register("embeddings", f, p -> new DebertaV2Embeddings(c, p));
        encoder = register("encoder", f, p -> new DebertaV2Encoder(c, p));
    }

    /**
     * The last hidden state {@code [batch, seq, hidden]}.
     *
     * @param inputIds int64 {@code [batch, seq]}
     * @param tokenTypeIds int64 or null (zeros)
     * @param attentionMask {@code [batch, seq]} 1 token / 0 padding, or null (all ones, as HF)
     */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray mask = attentionMask == null ? inputIds.getManager().ones(inputIds.getShape(), DataType.FLOAT32)
                : attentionMask.toType(DataType.FLOAT32, false);
        NDArray hidden = embeddings.forward(inputIds, tokenTypeIds, mask, training);
        return encoder.forward(hidden, mask, training);
    }

    public DebertaV2Embeddings embeddings() {
        return embeddings;
    }

    public DebertaV2Encoder encoder() {
        return encoder;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return embeddings.getOutputShapes(inputShapes);
    }
}
