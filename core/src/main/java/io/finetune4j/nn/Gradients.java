package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Gradient helpers DJL's engine-neutral API lacks. */
public final class Gradients {
    private Gradients() {}

    /**
     * Sets {@code parameter}'s gradient to zero, like torch's {@code grad.zero_()}. Multiplying by 0 is not
     * the same: an inf or NaN gradient (an fp16 overflow the GradScaler skips) would stay NaN forever.
     */
    public static void zero(NDArray parameter) {
        if (!parameter.hasGradient()) {
            return;
        }
        if (parameter instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
            return;
        }
        try (NDArray g = parameter.getGradient()) {
            g.muli(0);
        }
    }
}
