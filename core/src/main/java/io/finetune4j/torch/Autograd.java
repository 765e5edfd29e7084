package io.finetune4j.torch;

import ai.djl.pytorch.jni.JniUtils;

/**
 * torch's grad mode ({@code torch.no_grad()}, {@code torch.enable_grad()}), per thread as in libtorch. Each call
 * returns a guard that restores the previous mode when closed.
 */
public final class Autograd implements AutoCloseable {
    private final boolean previous;

    private Autograd(boolean enabled) {
        Torch.manager();
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** {@code with torch.no_grad():}. */
    public static Autograd noGrad() {
        return new Autograd(false);
    }

    /** {@code with torch.enable_grad():}. */
    public static Autograd enableGrad() {
        return new Autograd(true);
    }

    /** {@code torch.is_grad_enabled()}. */
    public static boolean isEnabled() {
        Torch.manager();
        return JniUtils.isGradMode();
    }

    /** {@code torch.set_grad_enabled(flag)} without a guard. */
    public static void setEnabled(boolean enabled) {
        Torch.manager();
        JniUtils.setGradMode(enabled);
    }

    /** Backward of {@code output} with a given gradient ({@code torch.autograd.backward(output, grad)}). */
    public static void backward(Tensor output, Tensor grad) {
        JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) output.nd(), (ai.djl.pytorch.engine.PtNDArray) grad.nd(), false, false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
