package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import java.util.List;

/**
 * HF's {@code AlbertForSequenceClassification}: factorized embeddings (word + absolute position + token type at
 * {@code embedding_size}, LayerNorm), {@code albert.encoder.embedding_hidden_mapping_in} to {@code hidden_size},
 * then {@code num_hidden_layers} steps where step i runs layer group {@code i / (num_hidden_layers /
 * num_hidden_groups)} ({@code albert_layer_groups.G.albert_layers.J}, J over {@code inner_group_num}): shared
 * groups reuse one set of initializers. Each AlbertLayer is post-LN ({@code attention.query/key/value/dense},
 * {@code attention.LayerNorm}, {@code ffn} → activation → {@code ffn_output}, {@code full_layer_layer_norm}).
 * Then the pooler ({@code albert.pooler} + tanh on the first token) and {@code classifier}. Inputs
 * {@code input_ids}, {@code attention_mask}, {@code token_type_ids}. The arithmetic of the DJL model in
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
        // HF's AlbertConfig defaults (albert-xxlarge's shape, hidden_act gelu_new)
        String act = BertExporter.checkEncoderConfig(s, "hidden_act", "gelu_new");
        int embeddingSize = s.intField("embedding_size", 128);
        int hidden = s.intField("hidden_size", 4096);
        int layers = s.intField("num_hidden_layers", 12);
        int groups = s.intField("num_hidden_groups", 1);
        int inner = s.intField("inner_group_num", 1);
        int heads = s.intField("num_attention_heads", 64);
        int intermediate = s.intField("intermediate_size", 16384);
        double eps = s.doubleField("layer_norm_eps", 1e-12);
        if (groups < 1 || layers % groups != 0) {
            throw new BadInputException("num_hidden_layers " + layers + " is not a multiple of num_hidden_groups " + groups + " in "
                    + s.dir().resolve("config.json") + "; fix config.json");
        }
        int numLabels = Math.toIntExact(s.shape("classifier.weight")[0]);

        String ids = g.input(INPUT_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String mask = g.input(ATTENTION_MASK, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);
        String types = g.input(TOKEN_TYPE_IDS, OnnxProto.TensorProto.INT64, BATCH, SEQUENCE);

        String x = BertExporter.embeddings(l, "albert.embeddings", ids, types, embeddingSize, eps);
        x = l.linear(x, "albert.encoder.embedding_hidden_mapping_in", embeddingSize, hidden);
        String extendedMask = BertExporter.extendedMask(g, mask);
        int layersPerGroup = layers / groups;
        for (int i = 0; i < layers; i++) {
            for (int j = 0; j < inner; j++) {
                String p = "albert.encoder.albert_layer_groups." + (i / layersPerGroup) + ".albert_layers." + j;
                BertExporter.LayerNames n = new BertExporter.LayerNames(p + ".attention.query", p + ".attention.key", p + ".attention.value",
                        p + ".attention.dense", p + ".attention.LayerNorm", p + ".ffn", p + ".ffn_output", p + ".full_layer_layer_norm");
                x = BertExporter.encoderLayer(l, n, x, extendedMask, hidden, heads, intermediate, eps, act);
            }
        }
        String first = g.op("Gather", x, g.longScalar(0), OnnxProto.attrInt("axis", 1));
        String pooled = g.op("Tanh", l.linear(first, "albert.pooler", hidden, hidden));
        String logits = l.linear(pooled, "classifier", hidden, numLabels);
        g.opInto("Identity", LOGITS, List.of(logits));
        g.output(LOGITS, OnnxProto.TensorProto.FLOAT, BATCH, numLabels);
    }
}
