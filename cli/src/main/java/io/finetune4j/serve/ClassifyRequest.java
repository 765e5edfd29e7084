package io.finetune4j.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.config.Suggestions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code POST /v1/classify} body: {@code {"texts": [...], "top_k": 1}} or
 * {@code {"text": "..."}}. {@code top_k} defaults to 1 and, as in HF's pipeline, {@code null} asks
 * for all labels ({@code topK == 0} here). Every problem is a 400 that names the field.
 */
record ClassifyRequest(List<String> texts, int topK) {
    static final String EXAMPLE = "{\"texts\": [\"...\"], \"top_k\": 1}";
    private static final Set<String> FIELDS = Set.of("texts", "text", "top_k");

    static ClassifyRequest parse(byte[] body, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw badRequest("malformed JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw badRequest("could not read the body: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw badRequest("the body is empty; send JSON like " + EXAMPLE);
        }
        if (!root.isObject()) {
            throw badRequest("the body must be a JSON object like " + EXAMPLE + ", got " + kind(root));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw badRequest("unknown field '" + name + "'" + Suggestions.didYouMean(name, FIELDS)
                        + " (accepted: texts, text, top_k)");
            }
        }
        return new ClassifyRequest(texts(root), topK(root.get("top_k")));
    }

    private static List<String> texts(JsonNode root) {
        JsonNode texts = root.get("texts");
        JsonNode text = root.get("text");
        if (texts != null && text != null) {
            throw badRequest("send either field 'text' or field 'texts', not both");
        }
        if (text != null) {
            if (!text.isTextual()) {
                throw badRequest("field 'text' must be a string, got " + kind(text));
            }
            return List.of(text.textValue());
        }
        if (texts == null) {
            throw badRequest("missing field 'texts'; send JSON like " + EXAMPLE + " or {\"text\": \"...\"}");
        }
        if (!texts.isArray()) {
            throw badRequest("field 'texts' must be an array of strings, got " + kind(texts));
        }
        if (texts.isEmpty()) {
            throw badRequest("field 'texts' is an empty array; send at least one text");
        }
        List<String> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode t = texts.get(i);
            if (!t.isTextual()) {
                throw badRequest("field 'texts' must be an array of strings; element " + i + " is " + kind(t));
            }
            out.add(t.textValue());
        }
        return out;
    }

    private static int topK(JsonNode topK) {
        if (topK == null) {
            return 1;
        }
        if (topK.isNull()) {
            return 0;
        }
        if (!topK.canConvertToExactIntegral() || !topK.canConvertToInt() || topK.asInt() < 1) {
            throw badRequest("field 'top_k' must be a positive integer (or null for all labels), got " + topK);
        }
        return topK.asInt();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number (" + node + ")";
            case BOOLEAN -> "a boolean (" + node + ")";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }
}
