package io.finetune4j.torch;

import org.bytedeco.pytorch.GradMode;

/**
 * torch's grad mode ({@code torch.no_grad()}, {@code torch.enable_grad()}), per thread as in libtorch (on by default
 * on every thread, as in PyTorch). Each call returns a guard that restores the previous mode when closed.
 */
public final class Autograd implements AutoCloseable {
    static {
        Torch.load();
    }

    private final boolean previous;

    private Autograd(boolean enabled) {
        previous = GradMode.is_enabled();
        GradMode.set_enabled(enabled);
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
        return GradMode.is_enabled();
    }

    /** {@code torch.set_grad_enabled(flag)} without a guard. */
    public static void setEnabled(boolean enabled) {
        GradMode.set_enabled(enabled);
    }

    /** Backward of {@code output} with a given gradient ({@code torch.autograd.backward(output, grad)}). */
    public static void backward(Tensor output, Tensor grad) {
        output.backward(grad);
    }

    @Override
    public void close() {
        GradMode.set_enabled(previous);
    }
}
