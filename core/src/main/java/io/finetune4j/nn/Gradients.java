package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** Gradient helpers: torch's {@code grad.zero_()} for a parameter. */
public final class Gradients {
    private Gradients() {}

    /**
     * Sets {@code parameter}'s gradient to zero, like torch's {@code grad.zero_()}. Multiplying by 0 is not
     * the same: an inf or NaN gradient (an fp16 overflow the GradScaler skips) would stay NaN forever.
     */
    public static void zero(Tensor parameter) {
        parameter.zeroGrad();
    }

    /** {@link #zero(Tensor)} for a parameter's values (nothing for a shape-only one). */
    public static void zero(Parameter parameter) {
        if (parameter.hasData()) {
            zero(parameter.data());
        }
    }

}
