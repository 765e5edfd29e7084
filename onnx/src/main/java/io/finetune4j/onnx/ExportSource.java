package io.finetune4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an exporter reads from a checkpoint folder: config.json's fields and the weights by HF name.
 * It knows nothing of the DJL model classes, so the exporters follow HF's checkpoint layout only.
 */
public record ExportSource(Path dir, JsonNode config, Map<String, Tensor> weights) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir/config.json} and the safetensors weights (LayerNorm gamma/beta renamed to weight/bias). */
    public static ExportSource load(Path dir) {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException("no config.json in " + dir + "; give a checkpoint folder (config.json, model.safetensors, tokenizer files)");
        }
        JsonNode config;
        try {
            config = JSON.readTree(configFile.toFile());
        } catch (IOException e) {
            throw new BadInputException("cannot parse " + configFile + ": " + e.getMessage() + "; fix or re-save the checkpoint");
        }
        if (config == null || !config.isObject()) {
            throw new BadInputException(configFile + " is not a JSON object; fix or re-save the checkpoint");
        }
        Map<String, Tensor> raw = SafeTensors.readCheckpoint(dir);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        raw.forEach((name, t) -> {
            String n = name;
            if (n.endsWith(".gamma")) {
                n = n.substring(0, n.length() - ".gamma".length()) + ".weight";
            } else if (n.endsWith(".beta")) {
                n = n.substring(0, n.length() - ".beta".length()) + ".bias";
            }
            weights.put(n, t);
        });
        return new ExportSource(dir, config, weights);
    }

    /** config.json's model_type ({@code bert}, {@code roberta}, …); null when absent. */
    public String modelType() {
        JsonNode t = config.get("model_type");
        return t == null || t.isNull() ? null : t.asText();
    }

    public int intField(String key) {
        JsonNode v = config.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new BadInputException("config.json in " + dir + " has no integer '" + key + "'; fix or re-save the checkpoint");
        }
        return v.asInt();
    }

    public int intField(String key, int fallback) {
        JsonNode v = config.get(key);
        return v == null || !v.canConvertToInt() ? fallback : v.asInt();
    }

    public double doubleField(String key, double fallback) {
        JsonNode v = config.get(key);
        return v == null || !v.isNumber() ? fallback : v.asDouble();
    }

    public boolean boolField(String key, boolean fallback) {
        JsonNode v = config.get(key);
        return v == null || !v.isBoolean() ? fallback : v.asBoolean();
    }

    public String stringField(String key, String fallback) {
        JsonNode v = config.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    public boolean has(String name) {
        return weights.containsKey(name);
    }

    /** A weight as float32 with its expected shape checked. */
    public float[] floats(String name, long... shape) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new BadInputException(dir + " has no weight '" + name + "'; export needs a sequence-classification checkpoint of its "
                    + "model_type (e.g. one the Trainer saved)");
        }
        if (shape.length > 0 && !Arrays.equals(shape, t.shape())) {
            throw new BadInputException("weight '" + name + "' in " + dir + " has shape " + Arrays.toString(t.shape()) + " but config.json implies "
                    + Arrays.toString(shape) + "; the checkpoint and its config.json do not match");
        }
        return t.toFloats();
    }

    public long[] shape(String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new BadInputException(dir + " has no weight '" + name + "'; export needs a sequence-classification checkpoint");
        }
        return t.shape().clone();
    }
}
