package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;

/**
 * torch's {@code autocast} for the ops that matter: inside a scope, linear layers and attention
 * products compute in a lower precision (float16) from float32 weights and inputs, and hand back
 * float32. Everything else (LayerNorm, softmax, GELU, residuals, the loss) stays float32, as autocast
 * keeps them. The casts are autograd ops, so gradients reach the float32 master weights.
 *
 * <pre>{@code
 * try (Autocast ignored = Autocast.enable(DataType.FLOAT16)) {
 *     logits = model.logits(ids, types, mask, true);
 * }
 * }</pre>
 * The setting is per thread, like torch's.
 */
public final class Autocast implements AutoCloseable {
    private static final ThreadLocal<DataType> DTYPE = new ThreadLocal<>();

    private final DataType previous;

    private Autocast(DataType dtype) {
        previous = DTYPE.get();
        DTYPE.set(dtype);
    }

    /** Starts a scope computing matmuls in {@code dtype}; null turns autocast off inside it. */
    public static Autocast enable(DataType dtype) {
        return new Autocast(dtype);
    }

    /** The dtype of the innermost open scope on this thread, or null. */
    public static DataType dtype() {
        return DTYPE.get();
    }

    @Override
    public void close() {
        DTYPE.set(previous);
    }

    /** {@code x Wᵀ + b}; bias may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        DataType t = castTo(x);
        if (t == null) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }
        // Only the handles are closed here: autograd keeps the half-precision copies it needs for backward.
        try (NDArray xh = cast(x, t);
                NDArray wh = cast(weight, t);
                NDArray bh = bias == null ? null : cast(bias, t);
                NDArray yh = Linear.linear(xh, wh, bh).singletonOrThrow()) {
            return cast(yh, DataType.FLOAT32);
        }
    }

    /** {@code a · b} (batched). */
    public static NDArray matMul(NDArray a, NDArray b) {
        DataType t = castTo(a);
        if (t == null) {
            return a.matMul(b);
        }
        try (NDArray ah = cast(a, t); NDArray bh = cast(b, t); NDArray yh = ah.matMul(bh)) {
            return cast(yh, DataType.FLOAT32);
        }
    }

    /**
     * A dtype cast that autograd sees. DJL's {@code toType} runs under a NoGradGuard, so gradients would
     * stop there; a cumulative product over a new axis of size 1 is the identity, takes an output dtype,
     * and its backward for a size-1 axis passes the gradient through, cast back to the input's dtype.
     */
    static NDArray cast(NDArray x, DataType dtype) {
        try (NDArray column = x.expandDims(-1); NDArray cast = column.cumProd(-1, dtype)) {
            return cast.squeeze(-1);
        }
    }

    private static DataType castTo(NDArray x) {
        DataType t = DTYPE.get();
        return t == null || t == x.getDataType() || x.getDataType() != DataType.FLOAT32 ? null : t;
    }
}
