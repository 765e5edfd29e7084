package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a Java number that is safe inside an autograd graph.
 *
 * <p>Why not {@code x.mul(0.125f)}: DJL's PyTorch engine turns the number into a 0-d tensor that
 * <em>borrows</em> a Java direct buffer ({@code from_blob}, no copy) and closes it right after the op.
 * Autograd keeps that tensor for backward (the gradient of {@code x·s} is {@code grad·s}); once the GC
 * frees the buffer, backward reads whatever malloc put there next: wrong gradients, and after a few
 * hundred steps NaN losses. {@link ScalarsTest} reproduces it. Here the scalar is made by libtorch
 * itself ({@code torch.full}), so the graph owns its memory.
 *
 * <p>Use these for any op whose result can require a gradient; ops without autograd (optimizer
 * updates, masks, inference) may use DJL's number overloads.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d tensor holding {@code value}, owned by libtorch, with {@code like}'s type and device. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** {@code x · value}. */
    public static NDArray mul(NDArray x, double value) {
        try (NDArray s = of(x, value)) {
            return x.mul(s);
        }
    }

    /** {@code x + value}. */
    public static NDArray add(NDArray x, double value) {
        try (NDArray s = of(x, value)) {
            return x.add(s);
        }
    }

    /** {@code x ·= value}, in place. */
    public static NDArray muli(NDArray x, double value) {
        try (NDArray s = of(x, value)) {
            return x.muli(s);
        }
    }

    /** Elementwise {@code max(x, value)}. */
    public static NDArray maximum(NDArray x, double value) {
        try (NDArray s = of(x, value)) {
            return x.maximum(s);
        }
    }
}
