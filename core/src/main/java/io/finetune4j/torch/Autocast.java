package io.finetune4j.torch;

import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.autocast(device_type, dtype)}: inside, the ops that autocast lists (matmul, linear, ...) run in
 * {@code dtype} (bfloat16 on the CPU or CUDA, float16 on CUDA) while the weights stay float32 and get float32
 * grads. Per thread, as in libtorch; guards nest and restore the previous setting when closed.
 *
 * <pre>{@code
 * try (Autocast a = Autocast.enable(Device.Type.CPU, DType.BFLOAT16)) {
 *     loss = model.forward(batch).loss();
 * }
 * loss.backward();
 * }</pre>
 */
public final class Autocast implements AutoCloseable {
    static {
        Torch.load();
    }

    private final torch.DeviceType device;
    private final boolean previousEnabled;
    private final torch.ScalarType previousDtype;

    private Autocast(Device.Type type, DType dtype, boolean enabled) {
        device = Tensor.deviceType(type);
        previousEnabled = torch.is_autocast_enabled(device);
        previousDtype = torch.get_autocast_dtype(device).intern();
        if (dtype != null) {
            torch.set_autocast_dtype(device, Tensor.scalarType(dtype));
        }
        torch.set_autocast_enabled(device, enabled);
    }

    /** {@code torch.autocast(device_type, dtype=dtype)}: bfloat16 or float16. */
    public static Autocast enable(Device.Type type, DType dtype) {
        if (dtype != DType.BFLOAT16 && dtype != DType.FLOAT16) {
            throw new IllegalArgumentException("autocast runs in bfloat16 or float16, not " + dtype);
        }
        return new Autocast(type, dtype, true);
    }

    /** {@code torch.autocast(device_type, enabled=False)}: full precision inside (e.g. a loss). */
    public static Autocast disable(Device.Type type) {
        return new Autocast(type, null, false);
    }

    /** {@code torch.is_autocast_enabled(device_type)}. */
    public static boolean isEnabled(Device.Type type) {
        return torch.is_autocast_enabled(Tensor.deviceType(type));
    }

    /** {@code torch.get_autocast_dtype(device_type)}. */
    public static DType dtype(Device.Type type) {
        return Tensor.dtypeOf(torch.get_autocast_dtype(Tensor.deviceType(type)));
    }

    /**
     * {@code torch.clear_autocast_cache()}: forgets the low-precision copies of float32 weights that autocast keeps
     * while enabled. A copy made under {@code no_grad} has no graph back to its weight, so code that runs a forward
     * without a graph and then again with one inside the same autocast (gradient checkpointing) clears in between.
     */
    public static void clearCache() {
        torch.clear_cache();
    }

    /** Whether autocast is on for the CPU or CUDA. */
    public static boolean isEnabled() {
        return isEnabled(Device.Type.CPU) || isEnabled(Device.Type.CUDA);
    }

    @Override
    public void close() {
        torch.set_autocast_enabled(device, previousEnabled);
        torch.set_autocast_dtype(device, previousDtype);
        if (!previousEnabled) {
            torch.clear_cache(); // the casts of the weights made inside (as torch.autocast's exit does)
        }
    }
}
