package io.finetune4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * HF's {@code BertConfig} (plus the {@code PretrainedConfig} fields a classifier needs), read from and
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
        Map<String, JsonNode> extra) {

    public static final String MODEL_TYPE = "bert";
    public static final String FILE_NAME = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Keys this record models (everything else goes to {@link #extra()}). */
    private static final Set<String> KNOWN = Set.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob",
            "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id",
            "position_embedding_type", "classifier_dropout", "id2label", "label2id", "num_labels", "problem_type",
            "architectures", "model_type", "transformers_version");

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
        id2label = java.util.Collections.unmodifiableMap(new TreeMap<>(id2label == null || id2label.isEmpty() ? defaultLabels(2) : id2label));
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(extra));
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

    public int numLabels() {
        return id2label.size();
    }

    /** HF's {@code label2id}: the inverse of id2label. */
    public Map<String, Integer> label2id() {
        Map<String, Integer> out = new LinkedHashMap<>();
        id2label.forEach((id, name) -> out.put(name, id));
        return out;
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** The dropout before the classifier: classifier_dropout, or hidden_dropout_prob when null (as HF). */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    /** Keeps only the first {@code n} encoder layers (a smaller, faster model from the same checkpoint). */
    public BertConfig withNumHiddenLayers(int n) {
        if (n < 1) {
            throw new BadInputException("num_hidden_layers override must be >= 1, got " + n);
        }
        if (n > numHiddenLayers) {
            throw new BadInputException("num_hidden_layers override " + n + " exceeds the checkpoint's " + numHiddenLayers + " layers");
        }
        return new BertConfig(vocabSize, hiddenSize, n, numAttentionHeads, intermediateSize, hiddenAct, hiddenDropoutProb,
                attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                positionEmbeddingType, classifierDropout, id2label, problemType, architectures, transformersVersion, extra);
    }

    public BertConfig withId2label(Map<Integer, String> labels) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, padTokenId, positionEmbeddingType, classifierDropout, labels, problemType, architectures,
                transformersVersion, extra);
    }

    /** {@code n} labels named LABEL_0..LABEL_{n-1} (HF's default names). */
    public BertConfig withNumLabels(int n) {
        if (n < 1) {
            throw new BadInputException("num_labels must be >= 1, got " + n);
        }
        return withId2label(defaultLabels(n));
    }

    public BertConfig withArchitectures(List<String> names) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, initializerRange,
                layerNormEps, padTokenId, positionEmbeddingType, classifierDropout, id2label, problemType, names,
                transformersVersion, extra);
    }

    public BertConfig withDropout(double hidden, double attention) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hidden, attention, maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId,
                positionEmbeddingType, classifierDropout, id2label, problemType, architectures, transformersVersion, extra);
    }

    public static Map<Integer, String> defaultLabels(int n) {
        Map<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(i, "LABEL_" + i);
        }
        return m;
    }

    /** Reads {@code dir/config.json} (or the file itself when given a file). */
    public static BertConfig load(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE_NAME) : dirOrFile;
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BadInputException("no " + FILE_NAME + " in " + dirOrFile + " (is this a Hugging Face model folder?)");
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + " is not a JSON object");
        }
        return fromJson((ObjectNode) root, file.toString());
    }

    /** Parses a config.json object; {@code source} names it in error messages. */
    public static BertConfig fromJson(ObjectNode root, String source) {
        String modelType = root.path("model_type").asText(MODEL_TYPE);
        if (!MODEL_TYPE.equals(modelType)) {
            throw new BadInputException(source + " has model_type '" + modelType + "'; finetune4j supports 'bert' only");
        }
        BertConfig d = base();
        Map<Integer, String> labels = new TreeMap<>();
        JsonNode id2label = root.get("id2label");
        if (id2label != null && id2label.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    labels.put(Integer.parseInt(e.getKey()), e.getValue().asText());
                } catch (NumberFormatException ex) {
                    throw new BadInputException(source + ": id2label key '" + e.getKey() + "' is not an integer");
                }
            }
        } else if (root.hasNonNull("num_labels")) {
            labels = defaultLabels(root.get("num_labels").asInt());
        }
        List<String> architectures = null;
        if (root.path("architectures").isArray()) {
            architectures = new ArrayList<>();
            for (JsonNode a : root.get("architectures")) {
                architectures.add(a.asText());
            }
        }
        Map<String, JsonNode> extra = new TreeMap<>();
        root.fields().forEachRemaining(e -> {
            if (!KNOWN.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        });
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
                labels.isEmpty() ? defaultLabels(2) : labels,
                root.hasNonNull("problem_type") ? root.get("problem_type").asText() : null,
                architectures,
                root.hasNonNull("transformers_version") ? root.get("transformers_version").asText() : null,
                extra);
    }

    private static int intField(JsonNode root, String key, int fallback, String source) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt()) {
            throw new BadInputException(source + ": " + key + " must be an integer, got " + n);
        }
        return n.asInt();
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
        Map<String, String> i2l = new LinkedHashMap<>();
        id2label.forEach((k, v) -> i2l.put(String.valueOf(k), v));
        m.put("id2label", i2l);
        m.put("label2id", new TreeMap<>(label2id()));
        if (problemType != null) {
            m.put("problem_type", problemType);
        }
        if (architectures != null) {
            m.put("architectures", architectures);
        }
        m.put("model_type", MODEL_TYPE);
        if (transformersVersion != null) {
            m.put("transformers_version", transformersVersion);
        }
        return JSON.valueToTree(m);
    }

    public String toJsonString() {
        try {
            return JSON.writeValueAsString(toJson()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code dir/config.json} atomically. */
    public void save(Path dir) {
        AtomicFiles.writeString(dir.resolve(FILE_NAME), toJsonString());
    }
}
