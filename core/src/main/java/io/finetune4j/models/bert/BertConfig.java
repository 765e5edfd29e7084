package io.finetune4j.models.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.PretrainedConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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
    /** Keys this record models (everything else goes to {@link #extra()}). */
    private static final Set<String> KNOWN = Set.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id",
            "position_embedding_type", "classifier_dropout");

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
        if (numHiddenLayers < 0) {
            throw new BadInputException("num_hidden_layers must be >= 0, got " + numHiddenLayers);
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    /** bert-base-uncased's shape (HF defaults). */
    public static BertConfig base() {
        return new BertConfig(30522, 768, 12, 12, 3072, "gelu", 0.1, 0.1, 512, 2, 0.02, 1e-12, 0, "absolute",
                null, defaultLabels(2), null, null, null, Map.of());
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

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** The dropout before the classifier: classifier_dropout, or hidden_dropout_prob when null (as HF). */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    /** Keeps only the first {@code n} encoder layers (a smaller, faster model from the same checkpoint). */
    @Override
    public BertConfig withNumHiddenLayers(int n) {
        ConfigJson.checkLayerOverride(n, numHiddenLayers);
        return new BertConfig(vocabSize, hiddenSize, n, numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                positionEmbeddingType, classifierDropout, id2label, problemType, architectures, transformersVersion, extra);
    }

    @Override
    public BertConfig withId2label(Map<Integer, String> labels) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, padTokenId, positionEmbeddingType, classifierDropout, labels, problemType, architectures,
                transformersVersion, extra);
    }

    /** {@code n} labels named LABEL_0..LABEL_{n-1} (HF's default names). */
    @Override
    public BertConfig withNumLabels(int n) {
        return (BertConfig) PretrainedConfig.super.withNumLabels(n);
    }

    @Override
    public BertConfig withArchitectures(List<String> names) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, padTokenId, positionEmbeddingType, classifierDropout, id2label, problemType, names,
                transformersVersion, extra);
    }

    @Override
    public BertConfig withProblemType(String problem) {
        return (BertConfig) PretrainedConfig.super.withProblemType(problem);
    }

    public BertConfig withDropout(double hidden, double attention) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hidden, attention, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                positionEmbeddingType, classifierDropout, id2label, problemType, architectures, transformersVersion, extra);
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
        return parse(root, source, base());
    }

    /**
     * Reads BERT's fields with {@code d}'s values as defaults, whatever the model_type: the families whose
     * config is HF's BertConfig with other defaults (RoBERTa, XLM-RoBERTa) parse through here.
     */
    public static BertConfig parse(ObjectNode root, String source, BertConfig d) {
        return new BertConfig(
                intField(root, "vocab_size", d.vocabSize, source),
                intField(root, "hidden_size", d.hiddenSize, source),
                intField(root, "num_hidden_layers", d.numHiddenLayers, source),
                intField(root, "num_attention_heads", d.numAttentionHeads, source),
                intField(root, "intermediate_size", d.intermediateSize, source),
                root.path("hidden_act").asText(d.hiddenAct),
                root.path("hidden_dropout_prob").asDouble(d.hiddenDropoutProb),
                root.path("attention_probs_dropout_prob").asDouble(d.attentionProbsDropoutProb),
                intField(root, "max_position_embeddings", d.maxPositionEmbeddings, source),
                intField(root, "type_vocab_size", d.typeVocabSize, source),
                root.path("initializer_range").asDouble(d.initializerRange),
                root.path("layer_norm_eps").asDouble(d.layerNormEps),
                root.hasNonNull("pad_token_id") ? root.get("pad_token_id").asInt() : d.padTokenId,
                root.hasNonNull("position_embedding_type") ? root.get("position_embedding_type").asText() : d.positionEmbeddingType,
                root.hasNonNull("classifier_dropout") ? root.get("classifier_dropout").asDouble() : null,
                ConfigJson.labels(root, source),
                ConfigJson.problemType(root, source),
                ConfigJson.architectures(root),
                ConfigJson.text(root, "transformers_version"),
                ConfigJson.extra(root, KNOWN));
    }

    private static int intField(JsonNode root, String key, int fallback, String source) {
        return ConfigJson.intField(root, key, fallback, source);
    }

    /** The config.json object, keys sorted as HF writes them. */
    public ObjectNode toJson() {
        Map<String, Object> m = new TreeMap<>();
        extra.forEach(m::put);
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
        m.put("pad_token_id", padTokenId);
        m.put("position_embedding_type", positionEmbeddingType);
        m.put("classifier_dropout", classifierDropout);
        ConfigJson.putShared(m, this, transformersVersion);
        return ConfigJson.toJson(m);
    }
}
