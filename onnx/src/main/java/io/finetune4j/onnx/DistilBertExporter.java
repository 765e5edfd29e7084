package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import java.util.List;

/**
 * HF's {@code DistilBertForSequenceClassification}: word + learned position embeddings (no token
 * types), {@code n_layers} transformer blocks ({@code q_lin/k_lin/v_lin/out_lin}, {@code sa_layer_norm},
 * {@code ffn.lin1}/GELU/{@code ffn.lin2}, {@code output_layer_norm}; LayerNorm eps 1e-12), then
 * {@code pre_classifier} + ReLU + {@code classifier} on the first token. Inputs {@code input_ids},
 * {@code attention_mask}. Masked scores get {@code finfo(float32).min} added, which gives the same
 * softmax as HF's masked_fill wherever a row has at least one real token.
 */
final class DistilBertExporter implements FamilyExporter {
    static final double EPS = 1e-12;

    @Override
    public List<String> modelTypes() {
        return List.of("distilbert");
    }

    @Override
    public List<String> inputs(ExportSource source) {
        return List.of(INPUT_IDS, ATTENTION_MASK);
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        String act = s.stringField("activation", "gelu");
        if (!act.equals("gelu")) {
            throw new BadInputException("activation '" + act + "' in " + s.dir() + "/config.json has no ONNX export yet; DistilBERT export supports 'gelu'");
        }
        int dim = s.intField("dim");
        int layers = s.intField("n_layers");
        int heads = s.intField("n_heads");
        int hiddenDim = s.intField("hidden_dim");
        int numLabels = Math.toIntExact(s.shape("classifier.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String x = BertExporter.embeddings(l, "distilbert.embeddings", ids, null, dim, EPS);
        String extendedMask = BertExporter.extendedMask(g, mask);
        int headDim = dim / heads;
        for (int i = 0; i < layers; i++) {
            String p = "distilbert.transformer.layer." + i;
            String headsShape = g.longs1d(0, 0, heads, headDim);
            String q = g.op("Mul", l.linear(x, p + ".attention.q_lin", dim, dim), g.scalar((float) (1.0 / Math.sqrt(headDim))));
            q = g.op("Transpose", g.op("Reshape", q, headsShape), OnnxProto.attrInts("perm", 0, 2, 1, 3));
            String k = g.op("Transpose", g.op("Reshape", l.linear(x, p + ".attention.k_lin", dim, dim), headsShape), OnnxProto.attrInts("perm", 0, 2, 3, 1));
            String v = g.op("Transpose", g.op("Reshape", l.linear(x, p + ".attention.v_lin", dim, dim), headsShape), OnnxProto.attrInts("perm", 0, 2, 1, 3));
            String probs = g.op("Softmax", g.op("Add", g.op("MatMul", q, k), extendedMask), OnnxProto.attrInt("axis", -1));
            String context = g.op("Reshape", g.op("Transpose", g.op("MatMul", probs, v), OnnxProto.attrInts("perm", 0, 2, 1, 3)), g.longs1d(0, 0, dim));
            String sa = l.layerNorm(g.op("Add", l.linear(context, p + ".attention.out_lin", dim, dim), x), p + ".sa_layer_norm", dim, EPS);
            String ffn = l.linear(l.gelu(l.linear(sa, p + ".ffn.lin1", dim, hiddenDim)), p + ".ffn.lin2", hiddenDim, dim);
            x = l.layerNorm(g.op("Add", ffn, sa), p + ".output_layer_norm", dim, EPS);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String pre = g.op("Relu", l.linear(first, "pre_classifier", dim, dim));
        String logits = l.linear(pre, "classifier", dim, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
