package io.finetune4j.models.electra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.bert.BertBackedConfig;
import io.finetune4j.models.bert.BertConfig;
import java.util.Map;

/**
 * HF's {@code ElectraConfig}: BERT's fields with ELECTRA's defaults (hidden 256, 4 heads, intermediate 1024) plus
 * {@code embedding_size} (128): embeddings that narrow are projected to hidden_size by {@code embeddings_project}.
 *
 * @param bert the BERT-shaped fields (embedding_size and summary_* stay in its extra keys, written back as read)
 */
public record ElectraConfig(BertConfig bert) implements BertBackedConfig {
    public static final String MODEL_TYPE = "electra";

    /** HF's ElectraConfig() defaults. */
    public static ElectraConfig base() {
        return new ElectraConfig(defaults());
    }

    /** HF's ElectraConfig defaults: BertConfig's, narrower. */
    private static final ConfigSchema<BertConfig> SCHEMA = BertConfig.SCHEMA.withDefaults(
            Map.of("hidden_size", 256, "num_attention_heads", 4, "intermediate_size", 1024));

    private static BertConfig defaults() {
        return SCHEMA.defaults();
    }

    /** A tiny ELECTRA for tests: embedding_size 16, hidden 32, 2 layers, 2 heads, intermediate 64, vocab 200. */
    public static ElectraConfig tiny(int embeddingSize) {
        BertConfig t = BertConfig.tiny();
        ObjectNode json = t.toJson();
        json.put("model_type", MODEL_TYPE);
        json.put("embedding_size", embeddingSize);
        return fromJson(json, "tiny");
    }

    public static ElectraConfig fromJson(ObjectNode root, String source) {
        ObjectNode copy = root.deepCopy();
        Integer embeddingSize = new ConfigFields(root, source).optInteger("embedding_size");
        if (embeddingSize != null && embeddingSize < 1) {
            throw new BadInputException(source + ": embedding_size must be a positive integer, got " + embeddingSize);
        }
        if (!root.has("embedding_size")) {
            copy.put("embedding_size", 128); // HF writes it; keep it explicit
        }
        return new ElectraConfig(BertConfig.parse(copy, source, SCHEMA));
    }

    public int embeddingSize() {
        JsonNode n = bert.extra().get("embedding_size");
        return n == null || n.isNull() ? 128 : n.asInt();
    }

    /** The shape the embeddings module is built with: BERT's embeddings at embedding_size wide. */
    BertConfig embeddingShape() {
        BertConfig b = bert;
        return new BertConfig(b.vocabSize(), embeddingSize(), 0, 1, 1, "gelu", b.hiddenDropoutProb(), b.attentionProbsDropoutProb(),
                b.maxPositionEmbeddings(), b.typeVocabSize(), b.initializerRange(), b.layerNormEps(), b.padTokenId(), "absolute",
                null, b.id2label(), null, null, null, Map.of());
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ModelFamily family() {
        return ElectraFamily.FAMILY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode j = bert.toJson();
        j.put("model_type", MODEL_TYPE);
        return j;
    }
}
