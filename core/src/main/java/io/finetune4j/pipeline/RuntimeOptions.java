package io.finetune4j.pipeline;

import io.finetune4j.torch.Device;

/**
 * How to open a runtime.
 *
 * @param device         where a libtorch model lives; null: the default device (ignored by ONNX Runtime's CPU build)
 * @param quantized      use the int8 model ({@code onnx/model_quantized.onnx}) instead of the float32 one
 * @param intraOpThreads threads one forward pass may use; 0: the runtime's default (every core). ONNX Runtime
 *                       sets it per session. libtorch's pool is one per process: it applies only while
 *                       libtorch has not started yet and {@code -Dfinetune4j.torch.num_threads} is not set
 *                       (several task threads sharing one model, as Spark's, want 1 each)
 */
public record RuntimeOptions(Device device, boolean quantized, int intraOpThreads) {
    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0 (0: the runtime's default), got " + intraOpThreads);
        }
    }

    public RuntimeOptions(Device device, boolean quantized) {
        this(device, quantized, 0);
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(null, false);
    }
}
