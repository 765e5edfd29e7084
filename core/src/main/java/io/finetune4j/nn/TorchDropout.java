package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** torch's {@code nn.Dropout}: active only when training (inverted dropout with a boolean mask). */
public final class TorchDropout extends Module {
    private final double p;

    public TorchDropout(double p) {
        this.p = p;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    public Tensor forward(Tensor x, boolean training) {
        if (!training || p == 0) {
            return x;
        }
        if (p >= 1) {
            return x.mul(0);
        }
        // torch's distribution (drop with probability p, scale the rest by 1/(1-p)), drawn and applied in fewer passes
        // than randLike + ge + mul: the uniform numbers are float32 whatever x's dtype (a bfloat16 uniform has 256
        // levels, so p = 0.1 dropped 26/256), drawn in parallel chunks (libtorch's CPU generator is serial); where()
        // zeroes the dropped elements with the boolean mask as it is (a mul would first cast the mask to x's dtype,
        // in the forward and again in the backward) and autograd keeps that 1-byte mask for the backward, not a float
        // mask as libtorch's CPU dropout does.
        Tensor drop;
        try (Tensor u = x.randLikeFloat32()) {
            drop = u.lt(p);
        }
        try (drop) {
            return Tensor.where(drop, 0, x).mul_(1.0 / (1.0 - p));
        }
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
