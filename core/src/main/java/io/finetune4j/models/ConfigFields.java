package io.finetune4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune4j.BadInputException;

/**
 * Typed reads of config.json fields that refuse a wrong type with one line naming the file and key (a string where
 * a number belongs, 1.5 where an integer belongs, "yes" where a boolean belongs), for the family configs.
 */
public final class ConfigFields {
    private final JsonNode root;
    private final String source;

    public ConfigFields(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    public int integer(String key, int fallback) {
        Integer v = optInteger(key);
        return v == null ? fallback : v;
    }

    /** The integer at {@code key}, or null when absent or null. */
    public Integer optInteger(String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || (n.isFloatingPointNumber() && n.asDouble() != Math.rint(n.asDouble()))) {
            throw new BadInputException(source + ": " + key + " must be an integer, got " + n);
        }
        return n.asInt();
    }

    /** The integer at {@code key}: {@code whenAbsent} when the key is missing, null when it is explicitly null. */
    public Integer optInteger(String key, Integer whenAbsent) {
        return root.has(key) ? optInteger(key) : whenAbsent;
    }

    public double number(String key, double fallback) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw new BadInputException(source + ": " + key + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    /** The number at {@code key}, or null when absent or null. */
    public Double optNumber(String key) {
        return root.hasNonNull(key) ? number(key, 0) : null;
    }

    public boolean bool(String key, boolean fallback) {
        Boolean v = optBool(key);
        return v == null ? fallback : v;
    }

    /** The boolean at {@code key}, or null when absent or null. */
    public Boolean optBool(String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw new BadInputException(source + ": " + key + " must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    public String text(String key, String fallback) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new BadInputException(source + ": " + key + " must be a string, got " + n);
        }
        return n.asText();
    }

    /** The strings of the list at {@code key}, or null when absent or null. */
    public java.util.List<String> optTextList(String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    n = null;
                    break;
                }
                out.add(e.asText());
            }
        }
        if (n == null || !n.isArray()) {
            throw new BadInputException(source + ": " + key + " must be a list of strings, got " + root.get(key));
        }
        return out;
    }
}
