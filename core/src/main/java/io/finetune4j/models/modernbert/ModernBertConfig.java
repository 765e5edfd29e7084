package io.finetune4j.models.modernbert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code ModernBertConfig} ({@code model_type "modernbert"}) with HF's defaults (answerdotai/ModernBERT-base).
 * Both config.json dialects are read: the original one ({@code global_rope_theta}, {@code local_rope_theta},
 * {@code global_attn_every_n_layers}) and the newer one ({@code layer_types}, {@code rope_parameters} with
 * {@code full_attention}/{@code sliding_attention}); the newer keys are kept and written back as read.
 *
 * @param globalAttnEveryNLayers layer {@code i} uses global attention when {@code i % n == 0}, else a sliding window
 * @param localAttention the whole sliding window: a token sees neighbours up to {@code local_attention / 2} away
 */
public record ModernBertConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        String hiddenActivation,
        int maxPositionEmbeddings,
        double initializerRange,
        double initializerCutoffFactor,
        double normEps,
        boolean normBias,
        int padTokenId,
        Integer eosTokenId,
        Integer bosTokenId,
        Integer clsTokenId,
        Integer sepTokenId,
        double globalRopeTheta,
        boolean attentionBias,
        double attentionDropout,
        int globalAttnEveryNLayers,
        int localAttention,
        double localRopeTheta,
        double embeddingDropout,
        boolean mlpBias,
        double mlpDropout,
        boolean decoderBias,
        String classifierPooling,
        double classifierDropout,
        boolean classifierBias,
        String classifierActivation,
        boolean sparsePrediction,
        int sparsePredIgnoreIndex,
        boolean tieWordEmbeddings,
        List<String> layerTypes,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "modernbert";
    public static final String FULL_ATTENTION = "full_attention";
    public static final String SLIDING_ATTENTION = "sliding_attention";
    /** HF's ModernBertConfig fields with their defaults (ModernBERT-base), in the record's order. */
    public static final ConfigSchema<ModernBertConfig> SCHEMA = ConfigSchema.of(ModernBertConfig.class,
            ConfigSchema.size("vocab_size", 50368),
            ConfigSchema.size("hidden_size", 768),
            ConfigSchema.size("intermediate_size", 1152),
            ConfigSchema.layers("num_hidden_layers", 22),
            ConfigSchema.size("num_attention_heads", 12),
            ConfigSchema.text("hidden_activation", "gelu"),
            ConfigSchema.size("max_position_embeddings", 8192),
            ConfigSchema.number("initializer_range", 0.02).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.number("initializer_cutoff_factor", 2.0),
            ConfigSchema.number("norm_eps", 1e-5).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.bool("norm_bias", false),
            ConfigSchema.integer("pad_token_id", 50283),
            ConfigSchema.integer("eos_token_id", 50282).nullable(),
            ConfigSchema.integer("bos_token_id", 50281).nullable(),
            ConfigSchema.integer("cls_token_id", 50281).nullable(),
            ConfigSchema.integer("sep_token_id", 50282).nullable(),
            ConfigSchema.number("global_rope_theta", 160000.0),
            ConfigSchema.bool("attention_bias", false),
            ConfigSchema.probability("attention_dropout", 0.0),
            ConfigSchema.size("global_attn_every_n_layers", 3),
            ConfigSchema.size("local_attention", 128),
            ConfigSchema.number("local_rope_theta", 10000.0),
            ConfigSchema.probability("embedding_dropout", 0.0),
            ConfigSchema.bool("mlp_bias", false),
            ConfigSchema.probability("mlp_dropout", 0.0),
            ConfigSchema.bool("decoder_bias", true),
            ConfigSchema.text("classifier_pooling", "cls"),
            ConfigSchema.probability("classifier_dropout", 0.0),
            ConfigSchema.bool("classifier_bias", false),
            ConfigSchema.text("classifier_activation", "gelu"),
            ConfigSchema.bool("sparse_prediction", false),
            ConfigSchema.integer("sparse_pred_ignore_index", -100),
            ConfigSchema.bool("tie_word_embeddings", true),
            // the newer dialect's layer_types stay in extra (written back as read); read here to pick each layer's attention
            ConfigSchema.derived("layer_types", (root, source) -> new ConfigFields(root, source).optTextList("layer_types")));

    public ModernBertConfig {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads + "; fix config.json");
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new BadInputException("head size " + hiddenSize / numAttentionHeads + " is odd; rotary embeddings need an even head size");
        }
        if (globalAttnEveryNLayers < 1) {
            throw new BadInputException("global_attn_every_n_layers must be >= 1, got " + globalAttnEveryNLayers);
        }
        if (!"cls".equals(classifierPooling) && !"mean".equals(classifierPooling)) {
            throw new BadInputException("classifier_pooling must be \"cls\" or \"mean\", got '" + classifierPooling + "'");
        }
        for (String act : new String[] {hiddenActivation, classifierActivation}) {
            if (!Activations.supports(act)) {
                throw new BadInputException("activation '" + act + "' in config.json is not supported; finetune4j's ModernBERT implements "
                        + String.join(", ", Activations.NAMES));
            }
        }
        if (layerTypes == null) {
            List<String> types = new ArrayList<>();
            for (int i = 0; i < numHiddenLayers; i++) {
                types.add(i % globalAttnEveryNLayers != 0 ? SLIDING_ATTENTION : FULL_ATTENTION);
            }
            layerTypes = types;
        }
        if (layerTypes.size() != numHiddenLayers) {
            throw new BadInputException("layer_types has " + layerTypes.size() + " entries but num_hidden_layers is " + numHiddenLayers);
        }
        for (String t : layerTypes) {
            if (!FULL_ATTENTION.equals(t) && !SLIDING_ATTENTION.equals(t)) {
                throw new BadInputException("layer_types entry '" + t + "' is unknown; use full_attention or sliding_attention");
            }
        }
        layerTypes = List.copyOf(layerTypes);
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    /** HF's {@code ModernBertConfig()} defaults: ModernBERT-base. */
    public static ModernBertConfig base() {
        return SCHEMA.defaults();
    }

    /**
     * A tiny ModernBERT for tests: hidden 32, 3 layers (global, local, local), 2 heads, intermediate 48,
     * window 4 (each token sees 2 either side), vocab 200.
     */
    public static ModernBertConfig tiny() {
        return new ModernBertConfig(200, 32, 48, 3, 2, "gelu", 64, 0.02, 2.0, 1e-5, false, 0, 2, 1, 1, 2, 160000.0, false,
                0.0, 3, 4, 10000.0, 0.0, false, 0.0, true, "cls", 0.0, false, "gelu", false, -100, true, null,
                defaultLabels(2), null, null, null, Map.of());
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ModelFamily family() {
        return ModernBertFamily.FAMILY;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * A layer is local (sliding window) when its {@code layer_types} entry says sliding_attention, as in HF's
     * current ModernBERT; without layer_types in config.json they are derived from
     * {@code layer_id % global_attn_every_n_layers != 0} (the older rule), so both kinds of config agree.
     */
    public boolean isLocal(int layer) {
        return SLIDING_ATTENTION.equals(layerTypes.get(layer));
    }

    /** The rotary base for a layer: rope_parameters[layer_type].rope_theta, else global/local_rope_theta. */
    public double ropeTheta(int layer) {
        String type = layerTypes.get(layer);
        JsonNode params = extra.get("rope_parameters");
        if (params != null && params.path(type).has("rope_theta")) {
            return params.path(type).get("rope_theta").asDouble();
        }
        return SLIDING_ATTENTION.equals(type) ? localRopeTheta : globalRopeTheta;
    }

    @Override
    public ModernBertConfig withId2label(Map<Integer, String> labels) {
        return (ModernBertConfig) PretrainedConfig.super.withId2label(labels);
    }

    @Override
    public ModernBertConfig withNumLabels(int n) {
        return (ModernBertConfig) PretrainedConfig.super.withNumLabels(n);
    }

    @Override
    public ModernBertConfig withArchitectures(List<String> names) {
        return (ModernBertConfig) PretrainedConfig.super.withArchitectures(names);
    }

    /** Keeps the first {@code n} layers (and their layer_types entries, when config.json lists them). */
    @Override
    public ModernBertConfig withNumHiddenLayers(int n) {
        ConfigJson.checkLayerOverride(n, numHiddenLayers);
        return (ModernBertConfig) edit(j -> {
            j.put("num_hidden_layers", n);
            if (j.get("layer_types") instanceof ArrayNode types) {
                while (types.size() > n) {
                    types.remove(types.size() - 1);
                }
            }
        });
    }

    /** The config with all dropouts set (embedding, attention, MLP, classifier), e.g. 0 for exact comparisons. */
    public ModernBertConfig withDropout(double p) {
        return SCHEMA.with(this, Map.of("attention_dropout", p, "embedding_dropout", p, "mlp_dropout", p, "classifier_dropout", p));
    }

    public static Map<Integer, String> defaultLabels(int n) {
        return ConfigJson.defaultLabels(n);
    }

    /** Parses a config.json object; {@code source} names it in error messages. */
    public static ModernBertConfig fromJson(ObjectNode root, String source) {
        String modelType = root.path("model_type").asText(MODEL_TYPE);
        if (!MODEL_TYPE.equals(modelType)) {
            throw new BadInputException(source + " has model_type '" + modelType + "'; ModernBertConfig reads '" + MODEL_TYPE + "'");
        }
        JsonNode rope = root.get("rope_parameters");
        if (rope != null && rope.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = rope.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode theta = e.getValue().get("rope_theta");
                if (theta != null && !(theta.isNumber() && theta.asDouble() > 0)) {
                    throw new BadInputException(source + ": rope_parameters." + e.getKey() + ".rope_theta must be a positive number, got " + theta);
                }
                String type = e.getValue().path("rope_type").asText("default");
                if (!"default".equals(type)) {
                    throw new BadInputException(source + ": rope_parameters." + e.getKey() + ".rope_type '" + type
                            + "' is not supported; finetune4j's ModernBERT implements 'default'");
                }
            }
        }
        for (String scaled : new String[] {"rope_scaling"}) {
            if (root.hasNonNull(scaled)) {
                throw new BadInputException(source + ": " + scaled + " is not supported by finetune4j's ModernBERT; remove it");
            }
        }
        return SCHEMA.parse(root, source);
    }

    /** The config.json object (original dialect plus whatever newer keys were read), keys sorted. */
    @Override
    public ObjectNode toJson() {
        return SCHEMA.toJson(this);
    }
}
