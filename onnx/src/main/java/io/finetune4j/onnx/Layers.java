package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The building blocks of the encoder graphs, in standard ONNX ops: linear layers (float32, or
 * dynamically quantized to int8 as ONNX Runtime's {@code quantize_dynamic} does), LayerNormalization,
 * embedding lookups and HF's activations. One place owns how a linear layer is emitted; a weight used
 * twice (ALBERT's shared layers, DeBERTa's shared projections) is written once.
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
    /** Weights already emitted: a layer applied more than once (ALBERT's shared groups) reuses its initializers. */
    private final Set<String> emitted = new HashSet<>();

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
     *
     * <p>A layer used again (the same {@code prefix}) reuses the initializers written the first time.
     */
    String linear(String x, String prefix, int in, int out) {
        return linear(x, prefix, in, out, true);
    }

    /** {@link #linear(String, String, int, int)}; without a bias ({@code nn.Linear(bias=False)}) when {@code hasBias} is false. */
    String linear(String x, String prefix, int in, int out, boolean hasBias) {
        boolean first = emitted.add("linear:" + prefix);
        String y;
        if (quantization == Quantization.INT8) {
            String wq = prefix + ".weight_quantized";
            String ws = prefix + ".weight_scale";
            String wzp = prefix + ".weight_zero_point";
            if (first) {
                quantizedWeight(prefix, in, out);
            }
            List<String> dq = g.opN("DynamicQuantizeLinear", 3, List.of(x));
            String mm = g.op("MatMulInteger", List.of(dq.get(0), wq, dq.get(2), wzp));
            String f = g.op("Cast", mm, OnnxProto.attrInt("to", OnnxProto.TensorProto.FLOAT));
            String s = g.op("Mul", dq.get(1), ws);
            y = g.op("Mul", f, s);
        } else {
            String wName = prefix + ".weight_t";
            if (first) {
                g.floats(wName, transposed(prefix, in, out), in, out);
            }
            y = g.op("MatMul", x, wName);
        }
        if (!hasBias) {
            return y;
        }
        String bias = prefix + ".bias";
        if (first) {
            g.floats(bias, src.floats(bias, out), out);
        }
        return g.op("Add", y, bias);
    }

    /** {@code prefix.weight} [out, in] transposed to [in, out]. */
    private float[] transposed(String prefix, int in, int out) {
        float[] w = src.floats(prefix + ".weight", out, in);
        float[] wt = new float[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                wt[i * out + o] = w[o * in + i];
            }
        }
        return wt;
    }

    /** Writes {@code prefix.weight_quantized} (int8 [in, out]), {@code .weight_scale} and {@code .weight_zero_point} ([out]). */
    private void quantizedWeight(String prefix, int in, int out) {
        float[] wt = transposed(prefix, in, out);
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
        g.int8s(prefix + ".weight_quantized", q, in, out);
        g.floats(prefix + ".weight_scale", scale, out);
        g.int8s(prefix + ".weight_zero_point", new byte[out], out);
    }

    /** LayerNormalization over the last axis with HF's {@code prefix.weight} / {@code prefix.bias}. */
    String layerNorm(String x, String prefix, int hidden, double eps) {
        return layerNorm(x, prefix, hidden, eps, true);
    }

    /** {@link #layerNorm(String, String, int, double)}; without a bias ({@code nn.LayerNorm(bias=False)}) when {@code hasBias} is false. */
    String layerNorm(String x, String prefix, int hidden, double eps, boolean hasBias) {
        String w = prefix + ".weight";
        String b = prefix + ".bias";
        if (emitted.add("norm:" + prefix)) {
            g.floats(w, src.floats(w, hidden), hidden);
            if (hasBias) {
                g.floats(b, src.floats(b, hidden), hidden);
            }
        }
        return g.op("LayerNormalization", hasBias ? List.of(x, w, b) : List.of(x, w), OnnxProto.attrInt("axis", -1),
                OnnxProto.attrFloat("epsilon", (float) eps));
    }

    /** HF's exact GELU, {@code 0.5·x·(1 + erf(x/√2))} (ONNX Runtime fuses it into its Gelu kernel). */
    String gelu(String x) {
        String e = g.op("Erf", g.op("Div", x, g.scalar((float) Math.sqrt(2.0))));
        return g.op("Mul", g.op("Mul", x, g.op("Add", e, g.scalar(1f))), g.scalar(0.5f));
    }

    /** HF's {@code ACT2FN} names the graphs implement. */
    static final List<String> ACTIVATIONS = List.of("gelu", "relu", "gelu_new", "gelu_pytorch_tanh", "tanh");

    /** The activation {@code act} config.json names in {@code key}; one the export cannot emit is one line naming the supported ones. */
    static String activationName(ExportSource s, String key, String act) {
        if (!ACTIVATIONS.contains(act)) {
            throw new BadInputException(key + " '" + act + "' in " + s.dir().resolve("config.json") + " has no ONNX export yet; the export supports "
                    + String.join(", ", ACTIVATIONS));
        }
        return act;
    }

    /** HF's activation {@code name} ({@link #ACTIVATIONS}), as the libtorch model's {@code Activations} computes it. */
    String activation(String x, String name) {
        return switch (name) {
            case "gelu" -> gelu(x);
            case "relu" -> g.op("Relu", x);
            case "tanh" -> g.op("Tanh", x);
            case "gelu_new", "gelu_pytorch_tanh" -> geluTanh(x);
            default -> throw new BadInputException("activation '" + name + "' has no ONNX export yet; the export supports "
                    + String.join(", ", ACTIVATIONS));
        };
    }

    /** HF's {@code NewGELUActivation}: {@code ½x(1 + tanh(√(2/π)(x + 0.044715x³)))}. */
    String geluTanh(String x) {
        String cube = g.op("Mul", g.op("Mul", x, x), x);
        String inner = g.op("Mul", g.op("Add", x, g.op("Mul", cube, g.scalar(0.044715f))), g.scalar((float) Math.sqrt(2.0 / Math.PI)));
        return g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", g.op("Tanh", inner), g.scalar(1f)));
    }

    /** An embedding table {@code name} [rows, dim] (rows from the checkpoint) looked up at {@code ids}. */
    String embedding(String name, String ids, int dim) {
        if (emitted.add("table:" + name)) {
            long rows = src.shape(name)[0];
            g.floats(name, src.floats(name, rows, dim), rows, dim);
        }
        return g.op("Gather", name, ids);
    }
}
