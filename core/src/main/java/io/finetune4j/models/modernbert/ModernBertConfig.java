package io.finetune4j.models.modernbert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activations;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> KNOWN = Set.of("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
            "num_attention_heads", "hidden_activation", "max_position_embeddings", "initializer_range",
            "initializer_cutoff_factor", "norm_eps", "norm_bias", "pad_token_id", "eos_token_id", "bos_token_id",
            "cls_token_id", "sep_token_id", "global_rope_theta", "attention_bias", "attention_dropout",
            "global_attn_every_n_layers", "local_attention", "local_rope_theta", "embedding_dropout", "mlp_bias",
            "mlp_dropout", "decoder_bias", "classifier_pooling", "classifier_dropout", "classifier_bias",
            "classifier_activation", "sparse_prediction", "sparse_pred_ignore_index", "tie_word_embeddings",
            "id2label", "label2id", "num_labels", "problem_type", "architectures", "model_type", "transformers_version");

    public ModernBertConfig {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads + "; fix config.json");
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new BadInputException("head size " + hiddenSize / numAttentionHeads + " is odd; rotary embeddings need an even head size");
        }
        if (numHiddenLayers < 0) {
            throw new BadInputException("num_hidden_layers must be >= 0, got " + numHiddenLayers);
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
        return new ModernBertConfig(50368, 768, 1152, 22, 12, "gelu", 8192, 0.02, 2.0, 1e-5, false, 50283, 50282, 50281,
                50281, 50282, 160000.0, false, 0.0, 3, 128, 10000.0, 0.0, false, 0.0, true, "cls", 0.0, false, "gelu",
                false, -100, true, null, defaultLabels(2), null, null, null, Map.of());
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

    public ModernBertConfig withId2label(Map<Integer, String> labels) {
        return new ModernBertConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, hiddenActivation,
                maxPositionEmbeddings, initializerRange, initializerCutoffFactor, normEps, normBias, padTokenId, eosTokenId,
                bosTokenId, clsTokenId, sepTokenId, globalRopeTheta, attentionBias, attentionDropout, globalAttnEveryNLayers,
                localAttention, localRopeTheta, embeddingDropout, mlpBias, mlpDropout, decoderBias, classifierPooling,
                classifierDropout, classifierBias, classifierActivation, sparsePrediction, sparsePredIgnoreIndex,
                tieWordEmbeddings, layerTypes, labels, problemType, architectures, transformersVersion, extra);
    }

    public ModernBertConfig withNumLabels(int n) {
        if (n < 1) {
            throw new BadInputException("num_labels must be >= 1, got " + n);
        }
        return withId2label(defaultLabels(n));
    }

    public ModernBertConfig withArchitectures(List<String> names) {
        return new ModernBertConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, hiddenActivation,
                maxPositionEmbeddings, initializerRange, initializerCutoffFactor, normEps, normBias, padTokenId, eosTokenId,
                bosTokenId, clsTokenId, sepTokenId, globalRopeTheta, attentionBias, attentionDropout, globalAttnEveryNLayers,
                localAttention, localRopeTheta, embeddingDropout, mlpBias, mlpDropout, decoderBias, classifierPooling,
                classifierDropout, classifierBias, classifierActivation, sparsePrediction, sparsePredIgnoreIndex,
                tieWordEmbeddings, layerTypes, id2label, problemType, names, transformersVersion, extra);
    }

    /** Keeps the first {@code n} layers (and their layer types). */
    public ModernBertConfig withNumHiddenLayers(int n) {
        if (n < 1 || n > numHiddenLayers) {
            throw new BadInputException("num_hidden_layers override must be in [1, " + numHiddenLayers + "], got " + n);
        }
        Map<String, JsonNode> ex = new TreeMap<>(extra);
        if (ex.containsKey("layer_types")) {
            ex.put("layer_types", JSON.valueToTree(layerTypes.subList(0, n)));
        }
        return new ModernBertConfig(vocabSize, hiddenSize, intermediateSize, n, numAttentionHeads, hiddenActivation,
                maxPositionEmbeddings, initializerRange, initializerCutoffFactor, normEps, normBias, padTokenId, eosTokenId,
                bosTokenId, clsTokenId, sepTokenId, globalRopeTheta, attentionBias, attentionDropout, globalAttnEveryNLayers,
                localAttention, localRopeTheta, embeddingDropout, mlpBias, mlpDropout, decoderBias, classifierPooling,
                classifierDropout, classifierBias, classifierActivation, sparsePrediction, sparsePredIgnoreIndex,
                tieWordEmbeddings, layerTypes.subList(0, n), id2label, problemType, architectures, transformersVersion, ex);
    }

    /** The config with all dropouts set (embedding, attention, MLP, classifier), e.g. 0 for exact comparisons. */
    public ModernBertConfig withDropout(double p) {
        return new ModernBertConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, hiddenActivation,
                maxPositionEmbeddings, initializerRange, initializerCutoffFactor, normEps, normBias, padTokenId, eosTokenId,
                bosTokenId, clsTokenId, sepTokenId, globalRopeTheta, attentionBias, p, globalAttnEveryNLayers,
                localAttention, localRopeTheta, p, mlpBias, p, decoderBias, classifierPooling,
                p, classifierBias, classifierActivation, sparsePrediction, sparsePredIgnoreIndex,
                tieWordEmbeddings, layerTypes, id2label, problemType, architectures, transformersVersion, extra);
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
        ModernBertConfig d = base();
        ConfigFields f = new ConfigFields(root, source);
        List<String> layerTypes = null;
        if (root.path("layer_types").isArray()) {
            layerTypes = new ArrayList<>();
            for (JsonNode t : root.get("layer_types")) {
                layerTypes.add(t.asText());
            }
        }
        JsonNode rope = root.get("rope_parameters");
        if (rope != null && rope.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = rope.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
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
        Map<String, JsonNode> extra = ConfigJson.extra(root, KNOWN);
        return new ModernBertConfig(
                f.integer("vocab_size", d.vocabSize),
                f.integer("hidden_size", d.hiddenSize),
                f.integer("intermediate_size", d.intermediateSize),
                f.integer("num_hidden_layers", d.numHiddenLayers),
                f.integer("num_attention_heads", d.numAttentionHeads),
                f.text("hidden_activation", d.hiddenActivation),
                f.integer("max_position_embeddings", d.maxPositionEmbeddings),
                f.number("initializer_range", d.initializerRange),
                f.number("initializer_cutoff_factor", d.initializerCutoffFactor),
                f.number("norm_eps", d.normEps),
                f.bool("norm_bias", d.normBias),
                f.integer("pad_token_id", d.padTokenId),
                f.optInteger("eos_token_id", d.eosTokenId),
                f.optInteger("bos_token_id", d.bosTokenId),
                f.optInteger("cls_token_id", d.clsTokenId),
                f.optInteger("sep_token_id", d.sepTokenId),
                f.number("global_rope_theta", d.globalRopeTheta),
                f.bool("attention_bias", d.attentionBias),
                f.number("attention_dropout", d.attentionDropout),
                f.integer("global_attn_every_n_layers", d.globalAttnEveryNLayers),
                f.integer("local_attention", d.localAttention),
                f.number("local_rope_theta", d.localRopeTheta),
                f.number("embedding_dropout", d.embeddingDropout),
                f.bool("mlp_bias", d.mlpBias),
                f.number("mlp_dropout", d.mlpDropout),
                f.bool("decoder_bias", d.decoderBias),
                f.text("classifier_pooling", d.classifierPooling),
                f.number("classifier_dropout", d.classifierDropout),
                f.bool("classifier_bias", d.classifierBias),
                f.text("classifier_activation", d.classifierActivation),
                f.bool("sparse_prediction", d.sparsePrediction),
                f.integer("sparse_pred_ignore_index", d.sparsePredIgnoreIndex),
                f.bool("tie_word_embeddings", d.tieWordEmbeddings),
                layerTypes,
                ConfigJson.labels(root, source),
                ConfigJson.problemType(root, source),
                ConfigJson.architectures(root),
                ConfigJson.text(root, "transformers_version"),
                extra);
    }

    /** The config.json object (original dialect plus whatever newer keys were read), keys sorted. */
    public ObjectNode toJson() {
        Map<String, Object> m = new TreeMap<>(extra);
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("intermediate_size", intermediateSize);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("hidden_activation", hiddenActivation);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("initializer_range", initializerRange);
        m.put("initializer_cutoff_factor", initializerCutoffFactor);
        m.put("norm_eps", normEps);
        m.put("norm_bias", normBias);
        m.put("pad_token_id", padTokenId);
        m.put("eos_token_id", eosTokenId);
        m.put("bos_token_id", bosTokenId);
        m.put("cls_token_id", clsTokenId);
        m.put("sep_token_id", sepTokenId);
        m.put("global_rope_theta", globalRopeTheta);
        m.put("attention_bias", attentionBias);
        m.put("attention_dropout", attentionDropout);
        m.put("global_attn_every_n_layers", globalAttnEveryNLayers);
        m.put("local_attention", localAttention);
        m.put("local_rope_theta", localRopeTheta);
        m.put("embedding_dropout", embeddingDropout);
        m.put("mlp_bias", mlpBias);
        m.put("mlp_dropout", mlpDropout);
        m.put("decoder_bias", decoderBias);
        m.put("classifier_pooling", classifierPooling);
        m.put("classifier_dropout", classifierDropout);
        m.put("classifier_bias", classifierBias);
        m.put("classifier_activation", classifierActivation);
        m.put("sparse_prediction", sparsePrediction);
        m.put("sparse_pred_ignore_index", sparsePredIgnoreIndex);
        m.put("tie_word_embeddings", tieWordEmbeddings);
        ConfigJson.putShared(m, this, transformersVersion);
        return ConfigJson.toJson(m);
    }
}
