package io.finetune4j.onnx;

import io.finetune4j.models.distilbert.DistilBertConfig;
import java.util.List;

/**
 * HF's {@code DistilBertForSequenceClassification}: DistilBERT's embeddings (word + absolute position, no token
 * types, LayerNorm with eps 1e-12), {@code n_layers} post-LN {@code TransformerBlock}s ({@code q_lin}/{@code k_lin}/
 * {@code v_lin}/{@code out_lin}, {@code sa_layer_norm}, {@code ffn.lin1} → activation → {@code ffn.lin2},
 * {@code output_layer_norm}), then on the first token {@code pre_classifier} → ReLU → {@code classifier}. Inputs
 * {@code input_ids}, {@code attention_mask}, as HF's own ONNX exports of DistilBERT. The arithmetic of the libtorch
 * model in {@code io.finetune4j.models.distilbert}.
 */
final class DistilBertExporter implements FamilyExporter {
    /** HF's DistilBERT fixes every LayerNorm's eps. */
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
        DistilBertConfig c = s.config(DistilBertConfig.class);
        String act = Layers.activationName(s, "activation", c.activation());
        int dim = c.dim();
        int layers = c.nLayers();
        int heads = c.nHeads();
        int hiddenDim = c.hiddenDim();
        int numLabels = Math.toIntExact(s.shape("classifier.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = BertExporter.embeddings(l, s.base() + ".embeddings", ids, null, dim, EPS);
        String extendedMask = BertExporter.extendedMask(g, mask);
        for (int i = 0; i < layers; i++) {
            String p = s.layer(i);
            BertExporter.LayerNames n = new BertExporter.LayerNames(p + ".attention.q_lin", p + ".attention.k_lin", p + ".attention.v_lin",
                    p + ".attention.out_lin", p + ".sa_layer_norm", p + ".ffn.lin1", p + ".ffn.lin2", p + ".output_layer_norm");
            x = BertExporter.encoderLayer(l, n, x, extendedMask, dim, heads, hiddenDim, EPS, act);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String pooled = g.op("Relu", l.linear(first, "pre_classifier", dim, dim));
        String logits = l.linear(pooled, "classifier", dim, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
