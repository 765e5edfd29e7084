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

    /** id2label as HF reads it: id2label, else num_labels default names, else 2 labels; anything else is one line. */
    public static Map<Integer, String> labels(JsonNode root, String source) {
        Map<Integer, String> labels = new TreeMap<>();
        JsonNode id2label = root.get("id2label");
        if (id2label != null && !id2label.isNull()) {
            if (!id2label.isObject()) {
                throw new BadInputException(source + ": id2label must be an object of id -> label name, got " + id2label);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey().strip());
                } catch (NumberFormatException ex) {
                    throw new BadInputException(source + ": id2label key '" + e.getKey() + "' is not an integer");
                }
                if (!e.getValue().isTextual()) {
                    throw new BadInputException(source + ": id2label['" + e.getKey() + "'] must be a string, got " + e.getValue());
                }
                labels.put(id, e.getValue().asText());
            }
        } else {
            Integer n = new ConfigFields(root, source).optInteger("num_labels");
            if (n != null && n < 1) {
                throw new BadInputException(source + ": num_labels must be a positive integer, got " + n);
            }
            if (n != null) {
                labels = defaultLabels(n);
            }
        }
        return labels.isEmpty() ? defaultLabels(2) : labels;
    }

    /** A sorted, unmodifiable copy of the labels (LABEL_0, LABEL_1 when null or empty). */
    public static Map<Integer, String> normalizeLabels(Map<Integer, String> id2label) {
        return Collections.unmodifiableMap(new TreeMap<>(id2label == null || id2label.isEmpty() ? defaultLabels(2) : id2label));
    }

    /** config.json's architectures (a list of class names), or null. */
    public static List<String> architectures(JsonNode root, String source) {
        return new ConfigFields(root, source).optTextList("architectures");
    }

    public static String problemType(JsonNode root, String source) {
        String p = new ConfigFields(root, source).text("problem_type", null);
        return p == null ? null : checkProblemType(p, source + ": problem_type");
    }

    static String checkProblemType(String p, String where) {
        if (!PROBLEM_TYPES.contains(p)) {
            throw new BadInputException(where + " '" + p + "' is unknown; use one of " + String.join(", ", PROBLEM_TYPES));
        }
        return p;
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

    /** The object with its keys sorted, as HF writes config.json. */
    public static ObjectNode sorted(ObjectNode json) {
        ObjectNode out = json.objectNode();
        new TreeMap<String, JsonNode>(toMap(json)).forEach(out::set);
        return out;
    }

    private static Map<String, JsonNode> toMap(ObjectNode json) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        json.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        return m;
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
