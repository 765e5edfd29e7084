package io.finetune4j.onnx;

import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.electra.ElectraConfig;
import java.util.List;

/**
 * HF's {@code ElectraForSequenceClassification} (the discriminator): BERT's embeddings at {@code embedding_size},
 * {@code electra.embeddings_project} to {@code hidden_size} when the two differ, BERT's encoder layers under
 * {@code electra.encoder.layer.N}, then {@code ElectraClassificationHead} on the first token: {@code classifier.dense}
 * → GELU (erf; HF fixes it, whatever hidden_act says) → {@code classifier.out_proj}. No pooler. Inputs
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}. The arithmetic of the libtorch model in
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
        ElectraConfig electra = s.config(ElectraConfig.class);
        BertConfig c = electra.bert();
        String act = Layers.activationName(s, "hidden_act", c.hiddenAct());
        int embeddingSize = electra.embeddingSize();
        int hidden = c.hiddenSize();
        int layers = c.numHiddenLayers();
        int heads = c.numAttentionHeads();
        int intermediate = c.intermediateSize();
        double eps = c.layerNormEps();
        int numLabels = Math.toIntExact(s.shape("classifier.out_proj.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String types = g.input(TOKEN_TYPE_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = BertExporter.embeddings(l, s.base() + ".embeddings", ids, types, embeddingSize, eps);
        if (embeddingSize != hidden) {
            x = l.linear(x, s.base() + ".embeddings_project", embeddingSize, hidden);
        }
        String extendedMask = BertExporter.extendedMask(g, mask);
        for (int i = 0; i < layers; i++) {
            x = BertExporter.encoderLayer(l, BertExporter.LayerNames.bert(s.layer(i)), x, extendedMask, hidden, heads,
                    intermediate, eps, act);
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String dense = l.gelu(l.linear(first, "classifier.dense", hidden, hidden));
        String logits = l.linear(dense, "classifier.out_proj", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
