package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import java.util.Locale;

/** How linear layers are exported: float32, or int8 weights with run-time (dynamic) activation quantization. */
public enum Quantization {
    NONE,
    INT8;

    /** {@code --quantize} values: {@code int8}. */
    public static Quantization parse(String s) {
        if (s == null || s.isBlank() || s.equalsIgnoreCase("none")) {
            return NONE;
        }
        if (s.toLowerCase(Locale.ROOT).equals("int8")) {
            return INT8;
        }
        throw new BadInputException("--quantize " + s + " is not supported; use int8 (dynamic quantization of the linear layers)");
    }
}
