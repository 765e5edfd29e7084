package io.finetune4j.models.albert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.nn.Activations;
import java.util.List;
import java.util.Map;

/** HF's {@code AlbertConfig} with HF's defaults (albert-xxlarge's shape; hidden_act gelu_new, dropouts 0). */
public record AlbertConfig(
        int vocabSize,
        int embeddingSize,
        int hiddenSize,
        int numHiddenLayers,
        int numHiddenGroups,
        int numAttentionHeads,
        int intermediateSize,
        int innerGroupNum,
        String hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double initializerRange,
        double layerNormEps,
        double classifierDropoutProb,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "albert";
    /** HF's AlbertConfig fields with their defaults (albert-xxlarge's shape), in the record's order. */
    public static final ConfigSchema<AlbertConfig> SCHEMA = ConfigSchema.of(AlbertConfig.class,
            ConfigSchema.size("vocab_size", 30000),
            ConfigSchema.size("embedding_size", 128),
            ConfigSchema.size("hidden_size", 4096),
            ConfigSchema.layers("num_hidden_layers", 12),
            ConfigSchema.size("num_hidden_groups", 1),
            ConfigSchema.size("num_attention_heads", 64),
            ConfigSchema.size("intermediate_size", 16384),
            ConfigSchema.size("inner_group_num", 1),
            ConfigSchema.text("hidden_act", "gelu_new"),
            ConfigSchema.probability("hidden_dropout_prob", 0.0),
            ConfigSchema.probability("attention_probs_dropout_prob", 0.0),
            ConfigSchema.size("max_position_embeddings", 512),
            ConfigSchema.size("type_vocab_size", 2),
            ConfigSchema.number("initializer_range", 0.02).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.number("layer_norm_eps", 1e-12).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.probability("classifier_dropout_prob", 0.1),
            ConfigSchema.integer("pad_token_id", 0));

    public AlbertConfig {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (numHiddenGroups < 1 || numHiddenLayers % numHiddenGroups != 0) {
            throw new BadInputException("num_hidden_layers " + numHiddenLayers + " is not a multiple of num_hidden_groups " + numHiddenGroups);
        }
        if (!Activations.supports(hiddenAct)) {
            throw new BadInputException("hidden_act '" + hiddenAct + "' is not supported; use one of " + String.join(", ", Activations.NAMES));
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    public static AlbertConfig base() {
        return SCHEMA.defaults();
    }

    /** A tiny ALBERT for tests: embedding 16, hidden 32, 4 layers sharing {@code groups} groups of 1 layer, 2 heads, vocab 200. */
    public static AlbertConfig tiny(int groups) {
        return new AlbertConfig(200, 16, 32, 4, groups, 2, 64, 1, "gelu_new", 0.1, 0.1, 64, 2, 0.02, 1e-12, 0.1, 0,
                ConfigJson.defaultLabels(2), null, null, null, Map.of());
    }

    public static AlbertConfig fromJson(ObjectNode root, String source) {
        ConfigFields f = new ConfigFields(root, source);
        f.optInteger("bos_token_id");
        f.optInteger("eos_token_id");
        return SCHEMA.parse(root, source);
    }

    /** BERT's embeddings at embedding_size (HF's AlbertEmbeddings are BERT's, narrower). */
    BertConfig embeddingShape() {
        return new BertConfig(vocabSize, embeddingSize, 0, 1, 1, "gelu", hiddenDropoutProb, attentionProbsDropoutProb,
                maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId, "absolute", null, id2label,
                null, null, null, Map.of());
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ModelFamily family() {
        return AlbertFamily.FAMILY;
    }

    /** The config.json object; bos/eos ids (kept in extra) are written with HF's defaults 2 and 3 when absent. */
    @Override
    public ObjectNode toJson() {
        ObjectNode j = SCHEMA.toJson(this);
        if (!j.has("bos_token_id")) {
            j.put("bos_token_id", 2);
        }
        if (!j.has("eos_token_id")) {
            j.put("eos_token_id", 3);
        }
        return ConfigJson.sorted(j);
    }
}
