package io.finetune4j.pipeline;

import ai.djl.Device;

/**
 * How to open a runtime.
 *
 * @param device where a DJL model lives; null: the default device (ignored by ONNX Runtime's CPU build)
 * @param quantized use the int8 model ({@code onnx/model_quantized.onnx}) instead of the float32 one
 */
public record RuntimeOptions(Device device, boolean quantized) {
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(null, false);
    }
}
