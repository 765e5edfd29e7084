package io.finetune4j.onnx;

import java.util.List;

/**
 * The building blocks of the encoder graphs, in standard ONNX ops: linear layers (float32, or
 * dynamically quantized to int8 as ONNX Runtime's {@code quantize_dynamic} does), LayerNormalization
 * and the erf GELU. One place owns how a linear layer is emitted.
 */
final class Layers {
    /**
     * int8 weights use 7 bits, [-63, 63] (ORT's {@code reduce_range=True}): x86 CPUs without VNNI
     * multiply uint8 activations by int8 weights with 16-bit saturating adds (vpmaddubsw), which
     * overflow with full-range weights. Measured on a tiny model on an AVX2 EPYC: max probability
     * error 0.046 with [-127, 127], 0.0054 with [-63, 63].
     */
    static final int QMAX = 63;
    private final OnnxGraph g;
    private final ExportSource src;
    private final Quantization quantization;

    Layers(OnnxGraph g, ExportSource src, Quantization quantization) {
        this.g = g;
        this.src = src;
        this.quantization = quantization;
    }

    OnnxGraph graph() {
        return g;
    }

    ExportSource source() {
        return src;
    }

    /**
     * HF's {@code nn.Linear} named {@code prefix} ({@code prefix.weight} [out, in], {@code prefix.bias} [out])
     * applied to the last axis of {@code x}.
     *
     * <p>float32: {@code MatMul(x, Wᵀ) + b} with Wᵀ stored [in, out]. int8 (ORT's QOperator dynamic
     * quantization of a MatMul with a constant weight, {@code per_channel=True, reduce_range=True}): Wᵀ
     * stored as int8 in [-63, 63] with a float scale and an int8 zero point 0 per output column
     * (symmetric, per channel); at run time
     * {@code DynamicQuantizeLinear(x) → (x_q uint8, x_scale, x_zero_point)},
     * {@code MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) → int32}, {@code Cast(float)},
     * {@code Mul(·, x_scale · W_scale)}, then {@code + b}. ONNX Runtime fuses this into its
     * MatMulIntegerToFloat / DynamicQuantizeMatMul kernels when it optimizes the graph.
     */
    String linear(String x, String prefix, int in, int out) {
        float[] w = src.floats(prefix + ".weight", out, in);
        float[] b = src.floats(prefix + ".bias", out);
        float[] wt = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wt[i * out + o] = w[o * in + i];
            }
        }
        String y;
        if (quantization == Quantization.INT8) {
            float[] scale = new float[out];
            for (int o = 0; o < out; o++) {
                float max = 0;
                for (int i = 0; i < in; i++) {
                    max = Math.max(max, Math.abs(wt[i * out + o]));
                }
                scale[o] = max == 0 ? 1f : max / QMAX;
            }
            byte[] q = new byte[in * out];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    long v = Math.round(wt[i * out + o] / scale[o]);
                    q[i * out + o] = (byte) Math.max(-QMAX, Math.min(QMAX, v));
                }
            }
            String wq = g.int8s(prefix + ".weight_quantized", q, in, out);
            String ws = g.floats(prefix + ".weight_scale", scale, out);
            String wzp = g.int8s(prefix + ".weight_zero_point", new byte[out], out);
            List<String> dq = g.opN("DynamicQuantizeLinear", 3, List.of(x));
            String mm = g.op("MatMulInteger", List.of(dq.get(0), wq, dq.get(2), wzp));
            String f = g.op("Cast", mm, OnnxProto.attrInt("to", OnnxProto.TensorProto.FLOAT));
            String s = g.op("Mul", dq.get(1), ws);
            y = g.op("Mul", f, s);
        } else {
            String wName = g.floats(prefix + ".weight_t", wt, in, out);
            y = g.op("MatMul", x, wName);
        }
        return g.op("Add", y, g.floats(prefix + ".bias", b, out));
    }

    /** LayerNormalization over the last axis with HF's {@code prefix.weight} / {@code prefix.bias}. */
    String layerNorm(String x, String prefix, int hidden, double eps) {
        String w = g.floats(prefix + ".weight", src.floats(prefix + ".weight", hidden), hidden);
        String b = g.floats(prefix + ".bias", src.floats(prefix + ".bias", hidden), hidden);
        return g.op("LayerNormalization", List.of(x, w, b), OnnxProto.attrInt("axis", -1), OnnxProto.attrFloat("epsilon", (float) eps));
    }

    /** HF's exact GELU, {@code 0.5·x·(1 + erf(x/√2))} (ONNX Runtime fuses it into its Gelu kernel). */
    String gelu(String x) {
        String e = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2.0))));
        return g.op("Mul", g.op("Mul", x, g.op("Add", e, g.scalar(1f))), g.scalar(0.5f));
    }
}
