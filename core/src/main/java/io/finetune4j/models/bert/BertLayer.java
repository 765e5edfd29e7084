package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code BertLayer}: one transformer encoder layer (attention, then the feed-forward block). */
public final class BertLayer extends Module {
    private final BertAttention attention;
    private final BertIntermediate intermediate;
    private final BertOutput output;

    public BertLayer(BertConfig c, ParameterFactory f) {
        attention = register("attention", f, p -> new BertAttention(c, p));
        intermediate = register("intermediate", f, p -> new BertIntermediate(c, p));
        output = register("output", f, p -> new BertOutput(c, p));
    }

    /**
     * DJL keeps every array until its manager closes, so without the scope a forward would hold all
     * intermediates of all layers (gigabytes at batch 64 × 160). Closing them here is safe under autograd:
     * libtorch's graph keeps its own references to what backward needs.
     */
    public NDArray forward(NDArray hidden, NDArray additiveMask, boolean training) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray attended = attention.forward(hidden, additiveMask, training);
            out = output.forward(intermediate.forward(attended), attended, training);
            NDScope.unregister(out);
        }
        NDScope.register(out); // belongs to the caller's scope, if it opened one
        return out;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
