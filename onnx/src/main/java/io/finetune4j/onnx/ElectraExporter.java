package io.finetune4j.onnx;

import java.util.List;

/**
 * HF's {@code ElectraForSequenceClassification} (the discriminator): BERT's embeddings at {@code embedding_size},
 * {@code electra.embeddings_project} to {@code hidden_size} when the two differ, BERT's encoder layers under
 * {@code electra.encoder.layer.N}, then {@code ElectraClassificationHead} on the first token: {@code classifier.dense}
 * → GELU (erf; HF fixes it, whatever hidden_act says) → {@code classifier.out_proj}. No pooler. Inputs
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}. The arithmetic of the DJL model in
 * {@code io.finetune4j.models.electra}.
 */
final class ElectraExporter implements FamilyExporter {
    @Override
    public List<String> modelTypes() {
        return List.of("electra");
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        // HF's ElectraConfig defaults (electra-small's shape)
        String act = BertExporter.checkEncoderConfig(s, "hidden_act", "gelu");
        int embeddingSize = s.intField("embedding_size", 128);
        int hidden = s.intField("hidden_size", 256);
        int layers = s.intField("num_hidden_layers", 12);
        int heads = s.intField("num_attention_heads", 4);
        int intermediate = s.intField("intermediate_size", 1024);
        double eps = s.doubleField("layer_norm_eps", 1e-12);
        int numLabels = Math.toIntExact(s.shape("classifier.out_proj.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String types = g.input(TOKEN_TYPE_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = BertExporter.embeddings(l, "electra.embeddings", ids, types, embeddingSize, eps);
        if (embeddingSize != hidden) {
            x = l.linear(x, "electra.embeddings_project", embeddingSize, hidden);
        }
        String extendedMask = BertExporter.extendedMask(g, mask);
        for (int i = 0; i < layers; i++) {
            x = BertExporter.encoderLayer(l, BertExporter.LayerNames.bert("electra.encoder.layer." + i), x, extendedMask, hidden, heads,
                    intermediate, eps, act);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String dense = l.gelu(l.linear(first, "classifier.dense", hidden, hidden));
        String logits = l.linear(dense, "classifier.out_proj", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
