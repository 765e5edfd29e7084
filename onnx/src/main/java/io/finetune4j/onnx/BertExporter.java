package io.finetune4j.onnx;

import io.finetune4j.models.bert.BertConfig;
import java.util.List;

/**
 * HF's {@code BertForSequenceClassification} as an ONNX graph (opset ≥ 17): embeddings (word +
 * absolute position + token type, LayerNorm), {@code num_hidden_layers} encoder layers
 * (multi-head attention with the additive {@code (1 - mask)·finfo.min} mask, a hidden_act feed-forward,
 * post-LayerNorm residuals), the tanh pooler over the first token and the classifier. The same
 * arithmetic, in the same order, as the libtorch model in {@code io.finetune4j.models.bert}.
 */
final class BertExporter implements FamilyExporter {
    @Override
    public List<String> modelTypes() {
        return List.of("bert");
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        BertConfig c = s.config(BertConfig.class);
        String act = Layers.activationName(s, "hidden_act", c.hiddenAct());
        int hidden = c.hiddenSize();
        int layers = c.numHiddenLayers();
        int heads = c.numAttentionHeads();
        int intermediate = c.intermediateSize();
        double eps = c.layerNormEps();
        int numLabels = Math.toIntExact(s.shape("classifier.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String types = g.input(TOKEN_TYPE_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = embeddings(l, s.base() + ".embeddings", ids, types, hidden, eps);
        String extendedMask = extendedMask(g, mask);
        for (int i = 0; i < layers; i++) {
            x = encoderLayer(l, LayerNames.bert(s.layer(i)), x, extendedMask, hidden, heads, intermediate, eps, act);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String pooled = g.op("Tanh", l.linear(first, s.base() + ".pooler.dense", hidden, hidden));
        String logits = l.linear(pooled, "classifier", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }

    /** word + position (0..seq-1) + token type embeddings, then LayerNorm. */
    static String embeddings(Layers l, String prefix, String ids, String types, int hidden, double eps) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        String word = l.embedding(prefix + ".word_embeddings.weight", ids, hidden);
        String posName = prefix + ".position_embeddings.weight";
        long[] posShape = s.shape(posName);
        String posTable = g.floats(posName, s.floats(posName, posShape[0], hidden), posShape[0], hidden);
        String seqLen = g.op("Shape", ids, OnnxProto.attrInt("start", 1), OnnxProto.attrInt("end", 2));
        String pos = g.op("Slice", List.of(posTable, g.longs1d(0), seqLen, g.longs1d(0)));
        String sum = g.op("Add", word, pos);
        if (types != null) {
            sum = g.op("Add", sum, l.embedding(prefix + ".token_type_embeddings.weight", types, hidden));
        }
        return l.layerNorm(sum, prefix + ".LayerNorm", hidden, eps);
    }

    /** HF's get_extended_attention_mask: {@code (1 - mask) · finfo(float32).min} as {@code [batch, 1, 1, seq]}. */
    static String extendedMask(OnnxGraph g, String mask) {
        String m = g.op("Cast", mask, OnnxProto.attrInt("to", OnnxProto.TensorProto.FLOAT));
        String inverted = g.op("Sub", g.scalar(1f), m);
        String scaled = g.op("Mul", inverted, g.scalar(-Float.MAX_VALUE));
        return g.op("Unsqueeze", scaled, g.longs1d(1, 2));
    }

    /**
     * The checkpoint names of one post-LayerNorm encoder layer: the attention's query, key, value and output
     * projections and its LayerNorm, the feed-forward's two linears and the output LayerNorm.
     */
    record LayerNames(String query, String key, String value, String attentionOutput, String attentionNorm, String ffnIn, String ffnOut,
            String outputNorm) {
        /** BertLayer's names (also RoBERTa's and ELECTRA's). */
        static LayerNames bert(String p) {
            return new LayerNames(p + ".attention.self.query", p + ".attention.self.key", p + ".attention.self.value",
                    p + ".attention.output.dense", p + ".attention.output.LayerNorm", p + ".intermediate.dense", p + ".output.dense",
                    p + ".output.LayerNorm");
        }
    }

    /**
     * BertLayer (and the post-LN layers built the same way: DistilBERT's TransformerBlock, AlbertLayer):
     * self-attention + output (residual, LayerNorm), feed-forward with {@code act}, output (residual, LayerNorm).
     */
    static String encoderLayer(Layers l, LayerNames n, String x, String mask, int hidden, int heads, int intermediate, double eps, String act) {
        OnnxGraph g = l.graph();
        int headDim = hidden / heads;
        String headsShape = g.longs1d(0, 0, heads, headDim);
        String q = g.op("Mul", l.linear(x, n.query(), hidden, hidden), g.scalar((float) (1.0 / Math.sqrt(headDim))));
        q = g.op("Transpose", g.op("Reshape", q, headsShape), OnnxProto.attrInts("perm", 0, 2, 1, 3));
        String k = g.op("Reshape", l.linear(x, n.key(), hidden, hidden), headsShape);
        k = g.op("Transpose", k, OnnxProto.attrInts("perm", 0, 2, 3, 1));
        String v = g.op("Reshape", l.linear(x, n.value(), hidden, hidden), headsShape);
        v = g.op("Transpose", v, OnnxProto.attrInts("perm", 0, 2, 1, 3));
        String scores = g.op("Add", g.op("MatMul", q, k), mask);
        String probs = g.op("Softmax", scores, OnnxProto.attrInt("axis", -1));
        String context = g.op("Transpose", g.op("MatMul", probs, v), OnnxProto.attrInts("perm", 0, 2, 1, 3));
        context = g.op("Reshape", context, g.longs1d(0, 0, hidden));
        String attn = l.linear(context, n.attentionOutput(), hidden, hidden);
        String h = l.layerNorm(g.op("Add", attn, x), n.attentionNorm(), hidden, eps);
        String inner = l.activation(l.linear(h, n.ffnIn(), hidden, intermediate), act);
        String out = l.linear(inner, n.ffnOut(), intermediate, hidden);
        return l.layerNorm(g.op("Add", out, h), n.outputNorm(), hidden, eps);
    }
}
