package io.finetune4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reading and writing the shared parts of config.json, for the family configs. */
public final class ConfigJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The PretrainedConfig keys every family reads itself (so they never land in extra). */
    public static final Set<String> SHARED = Set.of("id2label", "label2id", "num_labels", "problem_type", "architectures",
            "model_type", "transformers_version");
    public static final List<String> PROBLEM_TYPES = List.of("single_label_classification", "multi_label_classification", "regression");

    private ConfigJson() {}

    /** Reads {@code dir/config.json} (or the file itself when given a file) as a JSON object. */
    public static ObjectNode read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(PretrainedConfig.FILE_NAME) : dirOrFile;
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BadInputException("no " + PretrainedConfig.FILE_NAME + " in " + dirOrFile + " (is this a Hugging Face model folder?)");
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file + " is not a JSON object");
        }
        return (ObjectNode) root;
    }

    public static Map<Integer, String> defaultLabels(int n) {
        Map<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(i, "LABEL_" + i);
        }
        return m;
    }

    /** id2label as HF reads it: id2label, else num_labels default names, else 2 labels. */
    public static Map<Integer, String> labels(JsonNode root, String source) {
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
        return labels.isEmpty() ? defaultLabels(2) : labels;
    }

    /** A sorted, unmodifiable copy of the labels (LABEL_0, LABEL_1 when null or empty). */
    public static Map<Integer, String> normalizeLabels(Map<Integer, String> id2label) {
        return Collections.unmodifiableMap(new TreeMap<>(id2label == null || id2label.isEmpty() ? defaultLabels(2) : id2label));
    }

    public static List<String> architectures(JsonNode root) {
        if (!root.path("architectures").isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : root.get("architectures")) {
            out.add(a.asText());
        }
        return out;
    }

    public static String problemType(JsonNode root, String source) {
        return root.hasNonNull("problem_type") ? checkProblemType(root.get("problem_type").asText(), source + ": problem_type") : null;
    }

    static String checkProblemType(String p, String where) {
        if (!PROBLEM_TYPES.contains(p)) {
            throw new BadInputException(where + " '" + p + "' is unknown; use one of " + String.join(", ", PROBLEM_TYPES));
        }
        return p;
    }

    public static String text(JsonNode root, String key) {
        return root.hasNonNull(key) ? root.get(key).asText() : null;
    }

    /** The keys outside {@code known} and {@link #SHARED}, as read. */
    public static Map<String, JsonNode> extra(JsonNode root, Set<String> known) {
        Map<String, JsonNode> extra = new TreeMap<>();
        root.fields().forEachRemaining(e -> {
            if (!known.contains(e.getKey()) && !SHARED.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        });
        return extra;
    }

    public static Map<String, JsonNode> normalizeExtra(Map<String, JsonNode> extra) {
        return extra == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extra));
    }

    public static int intField(JsonNode root, String key, int fallback, String source) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt()) {
            throw new BadInputException(source + ": " + key + " must be an integer, got " + n);
        }
        return n.asInt();
    }

    public static double doubleField(JsonNode root, String key, double fallback) {
        return root.path(key).asDouble(fallback);
    }

    public static Double nullableDouble(JsonNode root, String key) {
        return root.hasNonNull(key) ? root.get(key).asDouble() : null;
    }

    public static boolean boolField(JsonNode root, String key, boolean fallback) {
        return root.path(key).asBoolean(fallback);
    }

    /** Puts the shared fields (labels, problem type, architectures, model type, version) into a key-sorted map. */
    public static void putShared(Map<String, Object> m, PretrainedConfig c, String transformersVersion) {
        Map<String, String> i2l = new LinkedHashMap<>();
        c.id2label().forEach((k, v) -> i2l.put(String.valueOf(k), v));
        m.put("id2label", i2l);
        m.put("label2id", new TreeMap<>(c.label2id()));
        if (c.problemType() != null) {
            m.put("problem_type", c.problemType());
        }
        if (c.architectures() != null) {
            m.put("architectures", c.architectures());
        }
        m.put("model_type", c.modelType());
        if (transformersVersion != null) {
            m.put("transformers_version", transformersVersion);
        }
    }

    public static ObjectNode toJson(Map<String, Object> sorted) {
        return JSON.valueToTree(sorted);
    }

    static String toJsonString(ObjectNode json) {
        try {
            return JSON.writeValueAsString(json) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void putLabels(ObjectNode j, Map<Integer, String> labels) {
        ObjectNode i2l = j.objectNode();
        ObjectNode l2i = j.objectNode();
        new TreeMap<>(labels).forEach((k, v) -> {
            i2l.put(String.valueOf(k), v);
            l2i.put(v, k);
        });
        j.set("id2label", i2l);
        j.set("label2id", l2i);
        j.remove("num_labels");
    }

    /** DistilBERT calls it n_layers; every other family num_hidden_layers. */
    static String numHiddenLayersKey(ObjectNode j) {
        return j.has("n_layers") && !j.has("num_hidden_layers") ? "n_layers" : "num_hidden_layers";
    }

    public static void checkLayerOverride(int n, int layers) {
        if (n < 1) {
            throw new BadInputException("num_hidden_layers override must be >= 1, got " + n);
        }
        if (n > layers) {
            throw new BadInputException("num_hidden_layers override " + n + " exceeds the checkpoint's " + layers + " layers");
        }
    }
}
