package io.finetune4j.models.distilbert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activations;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code DistilBertConfig}, with its own field names ({@code dim}, {@code n_layers}, {@code n_heads},
 * {@code hidden_dim}, {@code dropout}, {@code attention_dropout}, {@code activation}, {@code seq_classif_dropout}) and
 * defaults; {@link #hiddenSize()} and {@link #numHiddenLayers()} are HF's attribute_map names for dim and n_layers.
 */
public record DistilBertConfig(
        int vocabSize,
        int maxPositionEmbeddings,
        boolean sinusoidalPosEmbds,
        int nLayers,
        int nHeads,
        int dim,
        int hiddenDim,
        double dropout,
        double attentionDropout,
        String activation,
        double initializerRange,
        double qaDropout,
        double seqClassifDropout,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "distilbert";
    /** HF's DistilBertConfig fields with their defaults (distilbert-base-uncased's shape), in the record's order. */
    public static final ConfigSchema<DistilBertConfig> SCHEMA = ConfigSchema.of(DistilBertConfig.class,
            ConfigSchema.size("vocab_size", 30522),
            ConfigSchema.size("max_position_embeddings", 512),
            ConfigSchema.bool("sinusoidal_pos_embds", false),
            ConfigSchema.layers("n_layers", 6),
            ConfigSchema.size("n_heads", 12),
            ConfigSchema.size("dim", 768),
            ConfigSchema.size("hidden_dim", 4 * 768),
            ConfigSchema.probability("dropout", 0.1),
            ConfigSchema.probability("attention_dropout", 0.1),
            ConfigSchema.text("activation", "gelu"),
            ConfigSchema.number("initializer_range", 0.02).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.probability("qa_dropout", 0.1),
            ConfigSchema.probability("seq_classif_dropout", 0.2),
            ConfigSchema.integer("pad_token_id", 0));

    public DistilBertConfig {
        if (nHeads <= 0 || dim % nHeads != 0) {
            throw new BadInputException("dim " + dim + " is not a multiple of n_heads " + nHeads + "; fix config.json");
        }
        if (!Activations.supports(activation)) {
            throw new BadInputException("activation '" + activation + "' is not supported; use one of " + String.join(", ", Activations.NAMES));
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    /** HF's DistilBertConfig() defaults (distilbert-base-uncased's shape). */
    public static DistilBertConfig base() {
        return SCHEMA.defaults();
    }

    /** A tiny DistilBERT for tests: dim 32, 2 layers, 2 heads, hidden_dim 64, vocab 200, 64 positions. */
    public static DistilBertConfig tiny(boolean sinusoidal) {
        return new DistilBertConfig(200, 64, sinusoidal, 2, 2, 32, 64, 0.1, 0.1, "gelu", 0.02, 0.1, 0.2, 0,
                ConfigJson.defaultLabels(2), null, null, null, Map.of());
    }

    public static DistilBertConfig fromJson(ObjectNode root, String source) {
        return SCHEMA.parse(root, source);
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ModelFamily family() {
        return DistilBertFamily.FAMILY;
    }

    @Override
    public int hiddenSize() {
        return dim;
    }

    @Override
    public int numHiddenLayers() {
        return nLayers;
    }

    @Override
    public ObjectNode toJson() {
        return SCHEMA.toJson(this);
    }
}
