package io.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** torch's {@code nn.Dropout}: active only when training (inverted dropout, libtorch's kernel). */
public final class TorchDropout extends Module {
    private final double p;

    TorchDropout(double p) {
        this.p = p;
    }

    public NDArray forward(NDArray x, boolean training) {
        if (!training || p == 0) {
            return x;
        }
        return ai.djl.nn.norm.Dropout.dropout(x, (float) p, true).singletonOrThrow();
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected String typeName() {
        return "Dropout";
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }
}
