package io.finetune4j.models.debertav2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
    private static final Set<String> KNOWN = Set.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps", "relative_attention",
            "max_relative_positions", "pad_token_id", "position_biased_input", "pos_att_type", "pooler_dropout",
            "pooler_hidden_act", "pooler_hidden_size", "legacy", "position_buckets", "share_att_key", "norm_rel_ebd",
            "conv_kernel_size", "conv_groups", "conv_act", "attention_head_size", "embedding_size", "cls_dropout",
            "id2label", "label2id", "num_labels", "problem_type", "architectures", "model_type", "transformers_version");

    public DebertaV2Config {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads + "; fix config.json");
        }
        if (numHiddenLayers < 0) {
            throw new BadInputException("num_hidden_layers must be >= 0, got " + numHiddenLayers);
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
        return new DebertaV2Config(128100, 1536, 24, 24, 6144, "gelu", 0.1, 0.1, 512, 0, 0.02, 1e-7, false, -1, 0, true,
                List.of(), 0, "gelu", null, true, null, null, null, null, null, null, null, null, null,
                defaultLabels(2), null, null, null, Map.of());
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

    public DebertaV2Config withId2label(Map<Integer, String> labels) {
        return new DebertaV2Config(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, relativeAttention, maxRelativePositions, padTokenId, positionBiasedInput, posAttType,
                poolerDropout, poolerHiddenAct, poolerHiddenSizeRaw, legacy, positionBucketsRaw, shareAttKeyRaw,
                normRelEbdRaw, convKernelSizeRaw, convGroupsRaw, convActRaw, attentionHeadSizeRaw, embeddingSizeRaw,
                classifierDropout, labels, problemType, architectures, transformersVersion, extra);
    }

    public DebertaV2Config withNumLabels(int n) {
        if (n < 1) {
            throw new BadInputException("num_labels must be >= 1, got " + n);
        }
        return withId2label(defaultLabels(n));
    }

    public DebertaV2Config withArchitectures(List<String> names) {
        return new DebertaV2Config(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, relativeAttention, maxRelativePositions, padTokenId, positionBiasedInput, posAttType,
                poolerDropout, poolerHiddenAct, poolerHiddenSizeRaw, legacy, positionBucketsRaw, shareAttKeyRaw,
                normRelEbdRaw, convKernelSizeRaw, convGroupsRaw, convActRaw, attentionHeadSizeRaw, embeddingSizeRaw,
                classifierDropout, id2label, problemType, names, transformersVersion, extra);
    }

    public DebertaV2Config withNumHiddenLayers(int n) {
        if (n < 1 || n > numHiddenLayers) {
            throw new BadInputException("num_hidden_layers override must be in [1, " + numHiddenLayers + "], got " + n);
        }
        return new DebertaV2Config(vocabSize, hiddenSize, n, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, relativeAttention, maxRelativePositions, padTokenId, positionBiasedInput, posAttType,
                poolerDropout, poolerHiddenAct, poolerHiddenSizeRaw, legacy, positionBucketsRaw, shareAttKeyRaw,
                normRelEbdRaw, convKernelSizeRaw, convGroupsRaw, convActRaw, attentionHeadSizeRaw, embeddingSizeRaw,
                classifierDropout, id2label, problemType, architectures, transformersVersion, extra);
    }

    public DebertaV2Config withDropout(double hidden, double attention) {
        return new DebertaV2Config(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hidden, attention, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, relativeAttention, maxRelativePositions, padTokenId, positionBiasedInput, posAttType,
                poolerDropout, poolerHiddenAct, poolerHiddenSizeRaw, legacy, positionBucketsRaw, shareAttKeyRaw,
                normRelEbdRaw, convKernelSizeRaw, convGroupsRaw, convActRaw, attentionHeadSizeRaw, embeddingSizeRaw,
                classifierDropout, id2label, problemType, architectures, transformersVersion, extra);
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
        DebertaV2Config d = defaults();
        ConfigFields f = new ConfigFields(root, source);
        List<String> posAtt = new ArrayList<>();
        JsonNode pat = root.get("pos_att_type");
        if (pat != null && pat.isTextual()) {
            for (String part : pat.asText().toLowerCase(Locale.ROOT).split("\\|")) {
                if (!part.isBlank()) {
                    posAtt.add(part.strip());
                }
            }
        } else if (pat != null && pat.isArray()) {
            pat.forEach(n -> posAtt.add(n.asText()));
        } else if (pat != null && !pat.isNull()) {
            throw new BadInputException(source + ": pos_att_type must be a list or a \"p2c|c2p\" string, got " + pat);
        }
        Map<String, JsonNode> extra = ConfigJson.extra(root, KNOWN);
        return new DebertaV2Config(
                f.integer("vocab_size", d.vocabSize),
                f.integer("hidden_size", d.hiddenSize),
                f.integer("num_hidden_layers", d.numHiddenLayers),
                f.integer("num_attention_heads", d.numAttentionHeads),
                f.integer("intermediate_size", d.intermediateSize),
                f.text("hidden_act", d.hiddenAct),
                f.number("hidden_dropout_prob", d.hiddenDropoutProb),
                f.number("attention_probs_dropout_prob", d.attentionProbsDropoutProb),
                f.integer("max_position_embeddings", d.maxPositionEmbeddings),
                f.integer("type_vocab_size", d.typeVocabSize),
                f.number("initializer_range", d.initializerRange),
                f.number("layer_norm_eps", d.layerNormEps),
                f.bool("relative_attention", d.relativeAttention),
                f.integer("max_relative_positions", d.maxRelativePositions),
                f.integer("pad_token_id", d.padTokenId),
                f.bool("position_biased_input", d.positionBiasedInput),
                posAtt,
                f.number("pooler_dropout", d.poolerDropout),
                f.text("pooler_hidden_act", d.poolerHiddenAct),
                f.optInteger("pooler_hidden_size"),
                f.bool("legacy", d.legacy),
                f.optInteger("position_buckets"),
                f.optBool("share_att_key"),
                f.text("norm_rel_ebd", null),
                f.optInteger("conv_kernel_size"),
                f.optInteger("conv_groups"),
                f.text("conv_act", null),
                f.optInteger("attention_head_size"),
                f.optInteger("embedding_size"),
                f.optNumber("cls_dropout"),
                ConfigJson.labels(root, source),
                ConfigJson.problemType(root, source),
                ConfigJson.architectures(root),
                ConfigJson.text(root, "transformers_version"),
                extra);
    }

    /** The config.json object, keys sorted as HF writes them. */
    public ObjectNode toJson() {
        Map<String, Object> m = new TreeMap<>(extra);
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("hidden_act", hiddenAct);
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("type_vocab_size", typeVocabSize);
        m.put("initializer_range", initializerRange);
        m.put("layer_norm_eps", layerNormEps);
        m.put("relative_attention", relativeAttention);
        m.put("max_relative_positions", maxRelativePositions);
        m.put("pad_token_id", padTokenId);
        m.put("position_biased_input", positionBiasedInput);
        m.put("pos_att_type", posAttType.isEmpty() ? null : posAttType);
        m.put("pooler_dropout", poolerDropout);
        m.put("pooler_hidden_act", poolerHiddenAct);
        m.put("pooler_hidden_size", poolerHiddenSize()); // HF always sets it (kwargs.get(..., hidden_size))
        m.put("legacy", legacy);
        putIfSet(m, "position_buckets", positionBucketsRaw);
        putIfSet(m, "share_att_key", shareAttKeyRaw);
        putIfSet(m, "norm_rel_ebd", normRelEbdRaw);
        putIfSet(m, "conv_kernel_size", convKernelSizeRaw);
        putIfSet(m, "conv_groups", convGroupsRaw);
        putIfSet(m, "conv_act", convActRaw);
        putIfSet(m, "attention_head_size", attentionHeadSizeRaw);
        putIfSet(m, "embedding_size", embeddingSizeRaw);
        putIfSet(m, "cls_dropout", classifierDropout);
        ConfigJson.putShared(m, this, transformersVersion);
        return ConfigJson.toJson(m);
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
