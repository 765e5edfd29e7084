package io.finetune4j.onnx;

import io.finetune4j.models.modernbert.ModernBertConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code ModernBertForSequenceClassification}, padded and masked as HF's sdpa/eager path (and the libtorch model in
 * {@code io.finetune4j.models.modernbert}) computes it: {@code tok_embeddings} + {@code norm}; per layer a pre-norm
 * residual attention (no {@code attn_norm} on layer 0) with one fused {@code Wqkv}, rotary embeddings on queries and
 * keys (cos/sin tables over {@code max_position_embeddings} positions for each layer type's rope theta, sliced to
 * the sequence), the additive padding mask and, on sliding-attention layers, also {@code finfo.min} where
 * {@code |i − j| > local_attention / 2} (built in the graph from {@code Range}), then {@code Wo}; a pre-norm GeGLU MLP
 * ({@code Wi} split in two halves, {@code act(input)·gate}, {@code Wo}); {@code final_norm}; pooling by
 * {@code classifier_pooling} ({@code cls}: first token, {@code mean}: mean over real tokens); {@code head.dense} →
 * classifier activation → {@code head.norm}; {@code classifier}. Biases and norm biases as the config says (none by
 * default). Inputs {@code input_ids}, {@code attention_mask}.
 */
final class ModernBertExporter implements FamilyExporter {
    @Override
    public List<String> modelTypes() {
        return List.of("modernbert");
    }

    @Override
    public List<String> inputs(ExportSource source) {
        return List.of(INPUT_IDS, ATTENTION_MASK);
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        ModernBertConfig c = s.config(ModernBertConfig.class);
        int hidden = c.hiddenSize();
        int intermediate = c.intermediateSize();
        int layers = c.numHiddenLayers();
        int heads = c.numAttentionHeads();
        int maxPositions = c.maxPositionEmbeddings();
        int localAttention = c.localAttention();
        double eps = c.normEps();
        boolean normBias = c.normBias();
        boolean attentionBias = c.attentionBias();
        boolean mlpBias = c.mlpBias();
        boolean classifierBias = c.classifierBias();
        String act = Layers.activationName(s, "hidden_activation", c.hiddenActivation());
        String classifierAct = Layers.activationName(s, "classifier_activation", c.classifierActivation());
        String pooling = c.classifierPooling();
        int headDim = c.headDim();
        int numLabels = Math.toIntExact(s.shape("classifier.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = l.layerNorm(l.embedding(s.base() + ".embeddings.tok_embeddings.weight", ids, hidden), s.base() + ".embeddings.norm", hidden, eps,
                normBias);
        String globalMask = BertExporter.extendedMask(g, mask);
        String seqLen = g.op("Shape", ids, OnnxProto.attrInt("start", 1), OnnxProto.attrInt("end", 2));
        String slidingMask = null;
        Map<Double, String[]> rope = new HashMap<>();
        for (int i = 0; i < layers; i++) {
            double theta = c.ropeTheta(i);
            String[] cs = rope.computeIfAbsent(theta, t -> cosSin(g, seqLen, maxPositions, headDim, t, rope.size()));
            String layerMask = globalMask;
            if (c.isLocal(i)) {
                if (slidingMask == null) {
                    slidingMask = slidingWindowMask(g, seqLen, globalMask, localAttention / 2);
                }
                layerMask = slidingMask;
            }
            String p = s.layer(i);
            String normed = i == 0 ? x : l.layerNorm(x, p + ".attn_norm", hidden, eps, normBias);
            String h = g.op("Add", x, attention(l, p + ".attn", normed, cs, layerMask, hidden, heads, attentionBias));
            String m = l.layerNorm(h, p + ".mlp_norm", hidden, eps, normBias);
            String y = l.linear(m, p + ".mlp.Wi", hidden, 2 * intermediate, mlpBias);
            String input = g.op("Slice", List.of(y, g.longs1d(0), g.longs1d(intermediate), g.longs1d(-1)));
            String gate = g.op("Slice", List.of(y, g.longs1d(intermediate), g.longs1d(2L * intermediate), g.longs1d(-1)));
            String mlp = l.linear(g.op("Mul", l.activation(input, act), gate), p + ".mlp.Wo", intermediate, hidden, mlpBias);
            x = g.op("Add", h, mlp);
        }
        x = l.layerNorm(x, s.base() + ".final_norm", hidden, eps, normBias);
        String pooled;
        if (pooling.equals("cls")) {
            pooled = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        } else {
            String m = g.op("Cast", mask, OnnxProto.attrInt("to", OnnxProto.TensorProto.FLOAT));
            String masked = g.op("Mul", x, g.op("Unsqueeze", m, g.longs1d(-1)));
            String summed = g.op("ReduceSum", List.of(masked, g.longs1d(1)), OnnxProto.attrInt("keepdims", 0));
            String count = g.op("ReduceSum", List.of(m, g.longs1d(1)), OnnxProto.attrInt("keepdims", 1));
            pooled = g.op("Div", summed, count);
        }
        String head = l.activation(l.linear(pooled, "head.dense", hidden, hidden, classifierBias), classifierAct);
        head = l.layerNorm(head, "head.norm", hidden, eps, normBias);
        String logits = l.linear(head, "classifier", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }

    /** ModernBertAttention: Wqkv, rotary on q and k, {@code softmax(q·kᵀ/√d + mask)·v}, Wo. */
    private static String attention(Layers l, String p, String x, String[] cosSin, String mask, int hidden, int heads, boolean bias) {
        OnnxGraph g = l.graph();
        int headDim = hidden / heads;
        String qkv = g.op("Reshape", l.linear(x, p + ".Wqkv", hidden, 3 * hidden, bias), g.longs1d(0, 0, 3, heads, headDim));
        qkv = g.op("Transpose", qkv, OnnxProto.attrInts("perm", 2, 0, 3, 1, 4)); // [3, batch, heads, seq, head_dim]
        String q = rotary(g, g.op("Gather", qkv, g.longScalar(0), OnnxProto.attrInt("axis", 0)), cosSin, headDim);
        String k = rotary(g, g.op("Gather", qkv, g.longScalar(1), OnnxProto.attrInt("axis", 0)), cosSin, headDim);
        String v = g.op("Gather", qkv, g.longScalar(2), OnnxProto.attrInt("axis", 0));
        String kt = g.op("Transpose", k, OnnxProto.attrInts("perm", 0, 1, 3, 2));
        String scores = g.op("Mul", g.op("MatMul", q, kt), g.scalar((float) (1.0 / Math.sqrt(headDim))));
        String probs = g.op("Softmax", g.op("Add", scores, mask), OnnxProto.attrInt("axis", -1));
        String context = g.op("Transpose", g.op("MatMul", probs, v), OnnxProto.attrInts("perm", 0, 2, 1, 3));
        context = g.op("Reshape", context, g.longs1d(0, 0, hidden));
        return l.linear(context, p + ".Wo", hidden, hidden, bias);
    }

    /** HF's apply_rotary_pos_emb: {@code x·cos + rotate_half(x)·sin}, rotate_half = {@code [-x2, x1]} over the last axis. */
    private static String rotary(OnnxGraph g, String x, String[] cosSin, int headDim) {
        int half = headDim / 2;
        String x1 = g.op("Slice", List.of(x, g.longs1d(0), g.longs1d(half), g.longs1d(-1)));
        String x2 = g.op("Slice", List.of(x, g.longs1d(half), g.longs1d(headDim), g.longs1d(-1)));
        String rotated = g.op("Concat", List.of(g.op("Neg", x2), x1), OnnxProto.attrInt("axis", -1));
        return g.op("Add", g.op("Mul", x, cosSin[0]), g.op("Mul", rotated, cosSin[1]));
    }

    /**
     * ModernBertRotaryEmbedding's cos and sin for positions {@code 0..max_positions-1} as initializers, computed in
     * float32 as HF and the libtorch model do, sliced to {@code [seq, head_dim]}.
     */
    private static String[] cosSin(OnnxGraph g, String seqLen, int positions, int headDim, double theta, int index) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        float[] cos = new float[positions * headDim];
        float[] sin = new float[positions * headDim];
        for (int p = 0; p < positions; p++) {
            for (int e = 0; e < headDim; e++) {
                float angle = (float) p * invFreq[e % half];
                cos[p * headDim + e] = (float) Math.cos(angle);
                sin[p * headDim + e] = (float) Math.sin(angle);
            }
        }
        String cosTable = g.floats("rotary_emb.cos." + index, cos, positions, headDim);
        String sinTable = g.floats("rotary_emb.sin." + index, sin, positions, headDim);
        return new String[] {g.op("Slice", List.of(cosTable, g.longs1d(0), seqLen, g.longs1d(0))),
                g.op("Slice", List.of(sinTable, g.longs1d(0), seqLen, g.longs1d(0)))};
    }

    /** The padding mask with finfo.min also where {@code |i − j| > half}: {@code Min} keeps min, never min + min (HF's masked_fill). */
    private static String slidingWindowMask(OnnxGraph g, String seqLen, String globalMask, int half) {
        String n = g.op("Squeeze", List.of(seqLen, g.longs1d(0)));
        String pos = g.op("Range", List.of(g.longScalar(0), n, g.longScalar(1)));
        String diff = g.op("Abs", g.op("Sub", g.op("Unsqueeze", pos, g.longs1d(1)), g.op("Unsqueeze", pos, g.longs1d(0))));
        String window = g.op("Where", List.of(g.op("Greater", diff, g.longScalar(half)), g.scalar(-Float.MAX_VALUE), g.scalar(0f)));
        return g.op("Min", globalMask, g.op("Unsqueeze", window, g.longs1d(0, 1)));
    }
}
