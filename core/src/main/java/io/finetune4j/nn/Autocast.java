package io.finetune4j.nn;

import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/**
 * torch's {@code autocast} for the ops that matter: inside a scope, linear layers and attention
 * products compute in a lower precision (float16) from float32 weights and inputs, and hand back
 * float32. Everything else (LayerNorm, softmax, GELU, residuals, the loss) stays float32, as autocast
 * keeps them. The casts are autograd ops, so gradients reach the float32 master weights.
 *
 * <pre>{@code
 * try (Autocast ignored = Autocast.enable(DType.FLOAT16)) {
 *     logits = model.logits(ids, types, mask, true);
 * }
 * }</pre>
 * The setting is per thread, like torch's. (Today a cast around each op; libtorch's own autocast comes with the
 * engine move.)
 */
public final class Autocast implements AutoCloseable {
    private static final ThreadLocal<DType> DTYPE = new ThreadLocal<>();

    private final DType previous;

    private Autocast(DType dtype) {
        previous = DTYPE.get();
        DTYPE.set(dtype);
    }

    /** Starts a scope computing matmuls in {@code dtype}; null turns autocast off inside it. */
    public static Autocast enable(DType dtype) {
        return new Autocast(dtype);
    }

    /** The dtype of the innermost open scope on this thread, or null. */
    public static DType dtype() {
        return DTYPE.get();
    }

    @Override
    public void close() {
        DTYPE.set(previous);
    }

    /** {@code x Wᵀ + b} ({@code torch.nn.functional.linear}); bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        DType t = castTo(x);
        if (t == null) {
            return Tensor.linear(x, weight, bias);
        }
        // Only the handles are closed here: autograd keeps the half-precision copies it needs for backward.
        try (Tensor xh = cast(x, t);
                Tensor wh = cast(weight, t);
                Tensor bh = bias == null ? null : cast(bias, t);
                Tensor yh = Tensor.linear(xh, wh, bh)) {
            return cast(yh, DType.FLOAT32);
        }
    }

    /** {@code torch.matmul(a, b)} (batched). */
    public static Tensor matmul(Tensor a, Tensor b) {
        DType t = castTo(a);
        if (t == null) {
            return a.matmul(b);
        }
        try (Tensor ah = cast(a, t); Tensor bh = cast(b, t); Tensor yh = ah.matmul(bh)) {
            return cast(yh, DType.FLOAT32);
        }
    }

    /**
     * A dtype cast that autograd sees. Today's {@code Tensor.to(dtype)} runs outside autograd (DJL's toType), so
     * gradients would stop there; a cumulative product over a new axis of size 1 is the identity, takes an output
     * dtype, and its backward for a size-1 axis passes the gradient through, cast back to the input's dtype.
     */
    static Tensor cast(Tensor x, DType dtype) {
        try (Tensor column = x.unsqueeze(-1); Tensor cast = column.cumprod(-1, dtype)) {
            return cast.squeeze(-1);
        }
    }

    private static DType castTo(Tensor x) {
        DType t = DTYPE.get();
        return t == null || t == x.dtype() || x.dtype() != DType.FLOAT32 ? null : t;
    }

}
