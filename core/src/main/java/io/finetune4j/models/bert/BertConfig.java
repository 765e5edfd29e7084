package io.finetune4j.models.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HF's {@code BertConfig} (plus the {@link PretrainedConfig} fields a classifier needs), read from and
 * written to {@code config.json}. Keys this class does not model are kept in {@link #extra()} and
 * written back unchanged, so a re-save loses nothing.
 *
 * @param classifierDropout HF's {@code classifier_dropout}; {@code null} means "use hidden_dropout_prob"
 * @param id2label label names by id; its size is {@code num_labels}
 * @param problemType {@code single_label_classification}, {@code multi_label_classification}, {@code regression} or null
 * @param transformersVersion kept as read (null when absent)
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double initializerRange,
        double layerNormEps,
        int padTokenId,
        String positionEmbeddingType,
        Double classifierDropout,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "bert";
    /** HF's BertConfig fields with their defaults (bert-base-uncased's shape), in the record's order. */
    public static final ConfigSchema<BertConfig> SCHEMA = ConfigSchema.of(BertConfig.class,
            ConfigSchema.size("vocab_size", 30522),
            ConfigSchema.size("hidden_size", 768),
            ConfigSchema.layers("num_hidden_layers", 12),
            ConfigSchema.size("num_attention_heads", 12),
            ConfigSchema.size("intermediate_size", 3072),
            ConfigSchema.text("hidden_act", "gelu"),
            ConfigSchema.probability("hidden_dropout_prob", 0.1),
            ConfigSchema.probability("attention_probs_dropout_prob", 0.1),
            ConfigSchema.size("max_position_embeddings", 512),
            ConfigSchema.size("type_vocab_size", 2),
            ConfigSchema.number("initializer_range", 0.02).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.number("layer_norm_eps", 1e-12).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.integer("pad_token_id", 0),
            ConfigSchema.text("position_embedding_type", "absolute"),
            ConfigSchema.probability("classifier_dropout", null).nullable());

    public BertConfig {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads + "; fix config.json");
        }
        if (!"gelu".equals(hiddenAct)) {
            throw new BadInputException("hidden_act '" + hiddenAct + "' is not supported; finetune4j's BERT implements 'gelu' (exact erf GELU)");
        }
        if (!"absolute".equals(positionEmbeddingType)) {
            throw new BadInputException("position_embedding_type '" + positionEmbeddingType
                    + "' is not supported; finetune4j's BERT implements 'absolute'");
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    /** bert-base-uncased's shape (HF defaults). */
    public static BertConfig base() {
        return SCHEMA.defaults();
    }

    /** A tiny BERT for tests: hidden 32, 2 layers, 2 heads, intermediate 64, vocab 200, 64 positions. */
    public static BertConfig tiny() {
        return new BertConfig(200, 32, 2, 2, 64, "gelu", 0.1, 0.1, 64, 2, 0.02, 1e-12, 0, "absolute",
                null, defaultLabels(2), null, null, null, Map.of());
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ModelFamily family() {
        return BertFamily.FAMILY;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** The dropout before the classifier: classifier_dropout, or hidden_dropout_prob when null (as HF). */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    @Override
    public BertConfig withNumHiddenLayers(int n) {
        return (BertConfig) PretrainedConfig.super.withNumHiddenLayers(n);
    }

    @Override
    public BertConfig withId2label(Map<Integer, String> labels) {
        return (BertConfig) PretrainedConfig.super.withId2label(labels);
    }

    @Override
    public BertConfig withNumLabels(int n) {
        return (BertConfig) PretrainedConfig.super.withNumLabels(n);
    }

    @Override
    public BertConfig withArchitectures(List<String> names) {
        return (BertConfig) PretrainedConfig.super.withArchitectures(names);
    }

    @Override
    public BertConfig withProblemType(String problem) {
        return (BertConfig) PretrainedConfig.super.withProblemType(problem);
    }

    @Override
    public BertConfig edit(Consumer<ObjectNode> change) {
        ObjectNode json = toJson();
        change.accept(json);
        return SCHEMA.parse(json, "config");
    }

    public BertConfig withDropout(double hidden, double attention) {
        return SCHEMA.with(this, Map.of("hidden_dropout_prob", hidden, "attention_probs_dropout_prob", attention));
    }

    public static Map<Integer, String> defaultLabels(int n) {
        return ConfigJson.defaultLabels(n);
    }

    /** Reads {@code dir/config.json} (or the file itself when given a file). */
    public static BertConfig load(Path dirOrFile) {
        return fromJson(ConfigJson.read(dirOrFile), dirOrFile.toString());
    }

    /** Parses a config.json object; {@code source} names it in error messages. */
    public static BertConfig fromJson(ObjectNode root, String source) {
        String modelType = root.path("model_type").asText(MODEL_TYPE);
        if (!MODEL_TYPE.equals(modelType)) {
            throw new BadInputException(source + " has model_type '" + modelType + "', not 'bert'; load it with AutoConfig");
        }
        return SCHEMA.parse(root, source);
    }

    /**
     * Reads BERT's fields strictly (whatever the model_type) with {@code schema}'s defaults: the families whose config
     * is HF's BertConfig with other defaults (RoBERTa, XLM-RoBERTa, ELECTRA) parse through here.
     */
    public static BertConfig parse(ObjectNode root, String source, ConfigSchema<BertConfig> schema) {
        return schema.parse(root, source);
    }

    /** The config.json object, keys sorted as HF writes them. */
    @Override
    public ObjectNode toJson() {
        return SCHEMA.toJson(this);
    }
}
