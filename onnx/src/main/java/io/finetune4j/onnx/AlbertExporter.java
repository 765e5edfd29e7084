package io.finetune4j.onnx;

import io.finetune4j.models.albert.AlbertConfig;
import java.util.List;

/**
 * HF's {@code AlbertForSequenceClassification}: factorized embeddings (word + absolute position + token type at
 * {@code embedding_size}, LayerNorm), {@code albert.encoder.embedding_hidden_mapping_in} to {@code hidden_size},
 * then {@code num_hidden_layers} steps where step i runs layer group {@code i / (num_hidden_layers /
 * num_hidden_groups)} ({@code albert_layer_groups.G.albert_layers.J}, J over {@code inner_group_num}): shared
 * groups reuse one set of initializers. Each AlbertLayer is post-LN ({@code attention.query/key/value/dense},
 * {@code attention.LayerNorm}, {@code ffn} → activation → {@code ffn_output}, {@code full_layer_layer_norm}).
 * Then the pooler ({@code albert.pooler} + tanh on the first token) and {@code classifier}. Inputs
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}. The arithmetic of the libtorch model in
 * {@code io.finetune4j.models.albert}.
 */
final class AlbertExporter implements FamilyExporter {
    @Override
    public List<String> modelTypes() {
        return List.of("albert");
    }

    @Override
    public void build(Layers l) {
        OnnxGraph g = l.graph();
        ExportSource s = l.source();
        AlbertConfig c = s.config(AlbertConfig.class);
        String act = Layers.activationName(s, "hidden_act", c.hiddenAct());
        int embeddingSize = c.embeddingSize();
        int hidden = c.hiddenSize();
        int layers = c.numHiddenLayers();
        int groups = c.numHiddenGroups();
        int inner = c.innerGroupNum();
        int heads = c.numAttentionHeads();
        int intermediate = c.intermediateSize();
        double eps = c.layerNormEps();
        int numLabels = Math.toIntExact(s.shape("classifier.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String types = g.input(TOKEN_TYPE_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = BertExporter.embeddings(l, s.base() + ".embeddings", ids, types, embeddingSize, eps);
        x = l.linear(x, s.base() + ".encoder.embedding_hidden_mapping_in", embeddingSize, hidden);
        String extendedMask = BertExporter.extendedMask(g, mask);
        int layersPerGroup = layers / groups;
        for (int i = 0; i < layers; i++) {
            for (int j = 0; j < inner; j++) {
                String p = s.base() + ".encoder.albert_layer_groups." + (i / layersPerGroup) + ".albert_layers." + j;
                BertExporter.LayerNames n = new BertExporter.LayerNames(p + ".attention.query", p + ".attention.key", p + ".attention.value",
                        p + ".attention.dense", p + ".attention.LayerNorm", p + ".ffn", p + ".ffn_output", p + ".full_layer_layer_norm");
                x = BertExporter.encoderLayer(l, n, x, extendedMask, hidden, heads, intermediate, eps, act);
            }
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String pooled = g.op("Tanh", l.linear(first, s.base() + ".pooler", hidden, hidden));
        String logits = l.linear(pooled, "classifier", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
