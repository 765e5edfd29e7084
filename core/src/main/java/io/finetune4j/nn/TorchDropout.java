package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** torch's {@code nn.Dropout}: active only when training (inverted dropout with a boolean mask). */
public final class TorchDropout extends Module {
    private final double p;

    public TorchDropout(double p) {
        this.p = p;
    }

    public NDArray forward(NDArray x, boolean training) {
        if (!training || p == 0) {
            return x;
        }
        if (p >= 1) {
            return Scalars.mul(x, 0);
        }
        // Same distribution as torch's dropout (keep with probability 1-p, scale by 1/(1-p)), but the mask
        // autograd keeps for backward is boolean: libtorch's CPU dropout saves a float32 mask, 4 bytes per
        // element. For BERT-base at 16 x 160 that is ~27 MB less per layer kept until backward.
        NDArray keep;
        try (NDArray u = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType())) {
            keep = u.gte((float) p);
        }
        return Scalars.muli(x.mul(keep), 1.0 / (1.0 - p));
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
