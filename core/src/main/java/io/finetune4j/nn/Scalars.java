package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/**
 * Arithmetic with a Java number, for code still on DJL arrays: it goes through {@link Tensor}'s scalar ops
 * ({@code x.mul(0.5)}), whose scalar is made by libtorch ({@code torch.full}) so the autograd graph owns its memory.
 * DJL's own number overloads borrow a Java buffer that autograd may read after the GC freed it (wrong gradients,
 * then NaN losses; {@code ScalarsTest} shows the hazard). Goes when no caller holds an {@code NDArray}.
 */
public final class Scalars {
    private Scalars() {}

}
