package io.finetune4j.models.debertav2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HF's {@code DebertaV2Config} ({@code model_type "deberta-v2"}, also DeBERTa-v3), with HF's defaults. The fields HF
 * reads with {@code getattr(config, name, default)} (position_buckets, share_att_key, norm_rel_ebd, conv_*,
 * attention_head_size, embedding_size, cls_dropout, pooler_hidden_size) are nullable: null means "absent from
 * config.json" (the accessors without "Raw" give the value HF uses) and absent ones are not written back, as HF.
 *
 * @param posAttType HF's {@code pos_att_type} as a list ("p2c|c2p" strings are split as HF does); empty when null
 * @param classifierDropout HF's {@code cls_dropout}; null: hidden_dropout_prob
 * @param legacy HF's {@code legacy}: true (default) = the {@code cls.predictions} MLM head, false = {@code lm_predictions.lm_head}
 */
public record DebertaV2Config(
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
        boolean relativeAttention,
        int maxRelativePositions,
        int padTokenId,
        boolean positionBiasedInput,
        List<String> posAttType,
        double poolerDropout,
        String poolerHiddenAct,
        Integer poolerHiddenSizeRaw,
        boolean legacy,
        Integer positionBucketsRaw,
        Boolean shareAttKeyRaw,
        String normRelEbdRaw,
        Integer convKernelSizeRaw,
        Integer convGroupsRaw,
        String convActRaw,
        Integer attentionHeadSizeRaw,
        Integer embeddingSizeRaw,
        Double classifierDropout,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "deberta-v2";
    /** HF's DebertaV2Config fields with their defaults (the deberta-v2-xlarge shape), in the record's order. */
    public static final ConfigSchema<DebertaV2Config> SCHEMA = ConfigSchema.of(DebertaV2Config.class,
            ConfigSchema.size("vocab_size", 128100),
            ConfigSchema.size("hidden_size", 1536),
            ConfigSchema.layers("num_hidden_layers", 24),
            ConfigSchema.size("num_attention_heads", 24),
            ConfigSchema.size("intermediate_size", 6144),
            ConfigSchema.text("hidden_act", "gelu"),
            ConfigSchema.probability("hidden_dropout_prob", 0.1),
            ConfigSchema.probability("attention_probs_dropout_prob", 0.1),
            ConfigSchema.size("max_position_embeddings", 512),
            ConfigSchema.integer("type_vocab_size", 0).range(ConfigSchema.Range.NON_NEGATIVE),
            ConfigSchema.number("initializer_range", 0.02).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.number("layer_norm_eps", 1e-7).range(ConfigSchema.Range.NON_NEGATIVE_NUMBER),
            ConfigSchema.bool("relative_attention", false),
            ConfigSchema.integer("max_relative_positions", -1),
            ConfigSchema.integer("pad_token_id", 0),
            ConfigSchema.bool("position_biased_input", true),
            ConfigSchema.custom("pos_att_type", List.of(), DebertaV2Config::readPosAttType,
                    (c, v) -> ((List<?>) v).isEmpty() ? null : v),
            ConfigSchema.probability("pooler_dropout", 0.0),
            ConfigSchema.text("pooler_hidden_act", "gelu"),
            // HF always writes it (kwargs.get("pooler_hidden_size", hidden_size))
            ConfigSchema.size("pooler_hidden_size", 0).optional().writtenAs((c, v) -> ((DebertaV2Config) c).poolerHiddenSize()),
            ConfigSchema.bool("legacy", true),
            ConfigSchema.integer("position_buckets", 0).optional(),
            ConfigSchema.bool("share_att_key", false).optional(),
            ConfigSchema.text("norm_rel_ebd", null).optional(),
            ConfigSchema.integer("conv_kernel_size", 0).range(ConfigSchema.Range.NON_NEGATIVE).optional(),
            ConfigSchema.size("conv_groups", 1).optional(),
            ConfigSchema.text("conv_act", null).optional(),
            ConfigSchema.size("attention_head_size", 0).optional(),
            ConfigSchema.size("embedding_size", 0).optional(),
            ConfigSchema.probability("cls_dropout", null).optional());

    public DebertaV2Config {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads + "; fix config.json");
        }
        for (String act : new String[] {hiddenAct, poolerHiddenAct, convActRaw}) {
            if (act != null && !Activations.supports(act)) {
                throw new BadInputException("activation '" + act + "' in config.json is not supported; finetune4j's DeBERTa-v2 implements "
                        + String.join(", ", Activations.NAMES));
            }
        }
        posAttType = posAttType == null ? List.of() : List.copyOf(posAttType);
        for (String t : posAttType) {
            if (!t.equals("c2p") && !t.equals("p2c")) {
                throw new BadInputException("pos_att_type '" + t + "' is not supported; use c2p and/or p2c");
            }
        }
        String norm = normRelEbdRaw == null ? "none" : normRelEbdRaw;
        for (String part : norm.toLowerCase(Locale.ROOT).split("\\|")) {
            if (!part.strip().equals("none") && !part.strip().equals("layer_norm")) {
                throw new BadInputException("norm_rel_ebd '" + normRelEbdRaw + "' is not supported; use none or layer_norm");
            }
        }
        if (convKernelSizeRaw != null && convKernelSizeRaw > 0 && hiddenSize % (convGroupsRaw == null ? 1 : convGroupsRaw) != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of conv_groups " + convGroupsRaw);
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    /** HF's {@code DebertaV2Config()} defaults (the deberta-v2-xlarge shape). */
    public static DebertaV2Config defaults() {
        return SCHEMA.defaults();
    }

    /** microsoft/deberta-v3-base's config: relative attention with 256 log buckets, shared keys, LayerNorm'd rel embeddings. */
    public static DebertaV2Config v3Base() {
        return new DebertaV2Config(128100, 768, 12, 12, 3072, "gelu", 0.1, 0.1, 512, 0, 0.02, 1e-7, true, -1, 0, false,
                List.of("p2c", "c2p"), 0, "gelu", 768, true, 256, true, "layer_norm", null, null, null, null, null, null,
                defaultLabels(2), null, null, null, Map.of());
    }

    /** A tiny DeBERTa-v3-style model for tests: hidden 32, 2 layers, 2 heads, 8 buckets over 32 positions. */
    public static DebertaV2Config tiny() {
        return new DebertaV2Config(200, 32, 2, 2, 64, "gelu", 0.1, 0.1, 64, 0, 0.02, 1e-7, true, 32, 0, false,
                List.of("p2c", "c2p"), 0, "gelu", 32, true, 8, true, "layer_norm", null, null, null, null, null, null,
                defaultLabels(2), null, null, null, Map.of());
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ModelFamily family() {
        return DebertaV2Family.FAMILY;
    }

    /** HF's {@code attention_head_size} (hidden_size / num_attention_heads unless set). */
    public int attentionHeadSize() {
        return attentionHeadSizeRaw != null ? attentionHeadSizeRaw : hiddenSize / numAttentionHeads;
    }

    public int allHeadSize() {
        return numAttentionHeads * attentionHeadSize();
    }

    public int embeddingSize() {
        return embeddingSizeRaw != null ? embeddingSizeRaw : hiddenSize;
    }

    public int poolerHiddenSize() {
        return poolerHiddenSizeRaw != null ? poolerHiddenSizeRaw : hiddenSize;
    }

    public int positionBuckets() {
        return positionBucketsRaw != null ? positionBucketsRaw : -1;
    }

    public boolean shareAttKey() {
        return shareAttKeyRaw != null && shareAttKeyRaw;
    }

    /** HF: "layer_norm" in norm_rel_ebd.lower().split("|"). */
    public boolean normRelEmbeddings() {
        if (normRelEbdRaw == null) {
            return false;
        }
        for (String part : normRelEbdRaw.toLowerCase(Locale.ROOT).split("\\|")) {
            if (part.strip().equals("layer_norm")) {
                return true;
            }
        }
        return false;
    }

    public int convKernelSize() {
        return convKernelSizeRaw != null ? convKernelSizeRaw : 0;
    }

    public int convGroups() {
        return convGroupsRaw != null ? convGroupsRaw : 1;
    }

    public String convAct() {
        return convActRaw != null ? convActRaw : "tanh";
    }

    /** The relative distance range HF uses: max_relative_positions, or max_position_embeddings when below 1. */
    public int effectiveMaxRelativePositions() {
        return maxRelativePositions < 1 ? maxPositionEmbeddings : maxRelativePositions;
    }

    /** HF's {@code pos_ebd_size} (the attention span): position_buckets when > 0, else the max relative positions. */
    public int posEbdSize() {
        return positionBuckets() > 0 ? positionBuckets() : effectiveMaxRelativePositions();
    }

    public boolean c2p() {
        return posAttType.contains("c2p");
    }

    public boolean p2c() {
        return posAttType.contains("p2c");
    }

    /** The dropout before the classifier: cls_dropout, or hidden_dropout_prob when absent (as HF). */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    @Override
    public DebertaV2Config withId2label(Map<Integer, String> labels) {
        return (DebertaV2Config) PretrainedConfig.super.withId2label(labels);
    }

    @Override
    public DebertaV2Config withNumLabels(int n) {
        return (DebertaV2Config) PretrainedConfig.super.withNumLabels(n);
    }

    @Override
    public DebertaV2Config withArchitectures(List<String> names) {
        return (DebertaV2Config) PretrainedConfig.super.withArchitectures(names);
    }

    @Override
    public DebertaV2Config withNumHiddenLayers(int n) {
        return (DebertaV2Config) PretrainedConfig.super.withNumHiddenLayers(n);
    }

    public DebertaV2Config withDropout(double hidden, double attention) {
        return SCHEMA.with(this, Map.of("hidden_dropout_prob", hidden, "attention_probs_dropout_prob", attention));
    }

    public static Map<Integer, String> defaultLabels(int n) {
        return ConfigJson.defaultLabels(n);
    }

    /** Parses a config.json object; {@code source} names it in error messages. */
    public static DebertaV2Config fromJson(ObjectNode root, String source) {
        String modelType = root.path("model_type").asText(MODEL_TYPE);
        if (!MODEL_TYPE.equals(modelType)) {
            throw new BadInputException(source + " has model_type '" + modelType + "'; DebertaV2Config reads '" + MODEL_TYPE + "'");
        }
        return SCHEMA.parse(root, source);
    }

    /** HF's pos_att_type: a list, or a "p2c|c2p" string split as HF does; null when absent. */
    private static List<String> readPosAttType(JsonNode root, String source) {
        JsonNode pat = root.get("pos_att_type");
        if (pat == null || pat.isNull()) {
            return null;
        }
        if (pat.isTextual()) {
            List<String> posAtt = new ArrayList<>();
            for (String part : pat.asText().toLowerCase(Locale.ROOT).split("\\|")) {
                if (!part.isBlank()) {
                    posAtt.add(part.strip());
                }
            }
            return posAtt;
        }
        if (pat.isArray()) {
            return new ConfigFields(root, source).optTextList("pos_att_type");
        }
        throw new BadInputException(source + ": pos_att_type must be a list or a \"p2c|c2p\" string, got " + pat);
    }

    /** The config.json object, keys sorted as HF writes them. */
    @Override
    public ObjectNode toJson() {
        return SCHEMA.toJson(this);
    }
}
