package io.finetune4j.serve;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.ScoreFunction;
import io.finetune4j.tokenize.EncodeOptions.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed body of TEI's {@code POST /predict} or of the HF Inference API's text-classification call.
 *
 * <p>TEI: {@code {"inputs": ..., "truncate": bool, "truncation_direction": "Left"|"Right",
 * "raw_scores": bool}} where {@code inputs} is, as TEI's router reads it, a string or {@code [str]}
 * (one text), {@code [str, str]} (one pair) or a batch {@code [[str] | [str, str], ...]}; one input is
 * answered {@code [{"label", "score"}, ...]}, a batch {@code [[...], ...]}.
 *
 * <p>HF Inference API: {@code {"inputs": str | [str] | {"text", "text_pair"} | [{"text", "text_pair"}],
 * "parameters": {"top_k": int, "function_to_apply": "softmax"|"sigmoid"|"none"}}}, always answered
 * with one list per input ({@code [[{"label", "score"}, ...]]}), which the official clients unwrap.
 *
 * <p>{@code POST /} takes both: a body with {@code "parameters"}, or with none of TEI's own keys
 * ({@code truncate}, {@code truncation_direction}, {@code raw_scores}), is the HF form (what
 * {@code @huggingface/inference} and {@code huggingface_hub} send); a body with one of TEI's keys
 * is TEI's. Unknown keys are ignored, as both servers do. Malformed JSON is 400, an empty batch 400
 * ({@code empty}), wrong types 422 ({@code validation}).
 *
 * @param texts the first (or only) text of each input
 * @param pairs the second text of each input, null entries for single texts; null when no input is a pair
 * @param single the body held one input, not a batch (TEI answers it without the outer list)
 * @param hfForm the HF Inference API form (always answered with the outer list)
 */
record PredictRequest(List<String> texts, List<String> pairs, ClassifyOptions options, boolean single, boolean hfForm) {
    static final Set<String> TEI_KEYS = Set.of("truncate", "truncation_direction", "raw_scores");
    private static final String TEI_EXAMPLE = "{\"inputs\": \"I love this movie\"} or {\"inputs\": [[\"text one\"], [\"text two\"]]}";
    private static final String HF_EXAMPLE = "{\"inputs\": \"I love this movie\", \"parameters\": {\"top_k\": 2}}";

    /** Which body shapes a route takes. */
    enum Form { TEI, HF, EITHER }

    /** Number of inputs. */
    int size() {
        return texts.size();
    }

    boolean hasPairs() {
        return pairs != null;
    }

    static PredictRequest parse(byte[] body, ObjectMapper json, Form form, boolean autoTruncate) {
        JsonNode root = readObject(body, json);
        boolean hf = switch (form) {
            case TEI -> false;
            case HF -> true;
            case EITHER -> root.has("parameters") || TEI_KEYS.stream().noneMatch(root::has);
        };
        if (!root.has("inputs") || root.get("inputs").isNull()) {
            throw validation("missing field 'inputs'; send JSON like " + (hf ? HF_EXAMPLE : TEI_EXAMPLE));
        }
        return hf ? parseHf(root, autoTruncate) : parseTei(root, autoTruncate);
    }

    private static JsonNode readObject(byte[] body, ObjectMapper json) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new HttpError(400, "malformed JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), "validation");
        } catch (IOException e) {
            throw new HttpError(400, "could not read the body: " + e.getMessage(), "validation");
        }
        if (root == null || root.isMissingNode()) {
            throw new HttpError(400, "the body is empty; send JSON like " + TEI_EXAMPLE, "validation");
        }
        if (!root.isObject()) {
            throw validation("the body must be a JSON object like " + TEI_EXAMPLE + ", got " + kind(root));
        }
        return root;
    }

    // ---- TEI

    private static PredictRequest parseTei(JsonNode root, boolean autoTruncate) {
        boolean truncate = bool(root, "truncate", autoTruncate);
        boolean raw = bool(root, "raw_scores", false);
        Side side = side(root.get("truncation_direction"));
        ClassifyOptions options = new ClassifyOptions(0, raw ? ScoreFunction.NONE : ScoreFunction.DEFAULT, truncate, side);
        JsonNode inputs = root.get("inputs");
        List<String> texts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        boolean single;
        if (inputs.isTextual()) {
            texts.add(inputs.textValue());
            pairs.add(null);
            single = true;
        } else if (!inputs.isArray()) {
            throw validation("field 'inputs' must be a string, a pair [string, string] or a batch [[string], [string, string], ...]; got "
                    + kind(inputs));
        } else if (inputs.isEmpty()) {
            throw new HttpError(400, "field 'inputs' is an empty batch; send at least one input", "empty");
        } else if (inputs.get(0).isTextual()) {
            sequence(inputs, "inputs", texts, pairs);
            single = true;
        } else {
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode element = inputs.get(i);
                if (!element.isArray()) {
                    throw validation("field 'inputs' is a batch, so each element must be [string] or [string, string]; element "
                            + i + " is " + kind(element));
                }
                sequence(element, "inputs[" + i + "]", texts, pairs);
            }
            single = false;
        }
        return new PredictRequest(texts, pairsOrNull(pairs), options, single, false);
    }

    /** One TEI sequence: [text] or [text, pair]. */
    private static void sequence(JsonNode array, String where, List<String> texts, List<String> pairs) {
        if (array.isEmpty() || array.size() > 2) {
            throw validation("field '" + where + "' holds " + array.size() + " strings; an input is one string or a pair of two"
                    + (array.size() > 2 && where.equals("inputs") ? " (for a batch of texts send [[\"a\"], [\"b\"], ...])" : ""));
        }
        for (int j = 0; j < array.size(); j++) {
            if (!array.get(j).isTextual()) {
                throw validation("field '" + where + "' must hold strings; element " + j + " is " + kind(array.get(j)));
            }
        }
        texts.add(array.get(0).textValue());
        pairs.add(array.size() == 2 ? array.get(1).textValue() : null);
    }

    /** TEI's truncation_direction; absent means the side saved with the model (right unless it says otherwise). */
    private static Side side(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw validation("field 'truncation_direction' must be \"Left\" or \"Right\", got " + kind(node));
        }
        return switch (node.textValue().toLowerCase(Locale.ROOT)) {
            case "left" -> Side.LEFT;
            case "right" -> Side.RIGHT;
            default -> throw validation("field 'truncation_direction' must be \"Left\" or \"Right\", got \"" + node.textValue() + "\"");
        };
    }

    // ---- HF Inference API

    private static PredictRequest parseHf(JsonNode root, boolean autoTruncate) {
        int topK = 0;
        ScoreFunction function = ScoreFunction.DEFAULT;
        JsonNode parameters = root.get("parameters");
        if (parameters != null && !parameters.isNull()) {
            if (!parameters.isObject()) {
                throw validation("field 'parameters' must be an object like {\"top_k\": 2, \"function_to_apply\": \"softmax\"}, got "
                        + kind(parameters));
            }
            JsonNode k = parameters.get("top_k");
            if (k != null && !k.isNull()) {
                if (!k.canConvertToExactIntegral() || !k.canConvertToInt() || k.asInt() < 1) {
                    throw validation("field 'parameters.top_k' must be a positive integer, got " + k);
                }
                topK = k.asInt();
            }
            JsonNode f = parameters.get("function_to_apply");
            if (f != null && !f.isNull()) {
                if (!f.isTextual() || !Set.of("softmax", "sigmoid", "none").contains(f.textValue().toLowerCase(Locale.ROOT))) {
                    throw validation("field 'parameters.function_to_apply' must be \"softmax\", \"sigmoid\" or \"none\", got " + f);
                }
                function = ScoreFunction.parse(f.textValue());
            }
        }
        ClassifyOptions options = new ClassifyOptions(topK, function, autoTruncate, Side.RIGHT);
        JsonNode inputs = root.get("inputs");
        List<String> texts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        boolean single = !inputs.isArray();
        if (single) {
            hfInput(inputs, "inputs", texts, pairs);
        } else {
            if (inputs.isEmpty()) {
                throw new HttpError(400, "field 'inputs' is an empty list; send at least one text", "empty");
            }
            for (int i = 0; i < inputs.size(); i++) {
                hfInput(inputs.get(i), "inputs[" + i + "]", texts, pairs);
            }
        }
        return new PredictRequest(texts, pairsOrNull(pairs), options, single, true);
    }

    private static void hfInput(JsonNode node, String where, List<String> texts, List<String> pairs) {
        if (node.isTextual()) {
            texts.add(node.textValue());
            pairs.add(null);
            return;
        }
        if (node.isObject() && node.path("text").isTextual()) {
            JsonNode pair = node.get("text_pair");
            if (pair != null && !pair.isNull() && !pair.isTextual()) {
                throw validation("field '" + where + ".text_pair' must be a string, got " + kind(pair));
            }
            texts.add(node.get("text").textValue());
            pairs.add(pair == null || pair.isNull() ? null : pair.textValue());
            return;
        }
        throw validation("field '" + where + "' must be a string or {\"text\": ..., \"text_pair\": ...}, got " + kind(node));
    }

    // ---- helpers

    private static List<String> pairsOrNull(List<String> pairs) {
        return pairs.stream().allMatch(p -> p == null) ? null : pairs;
    }

    private static boolean bool(JsonNode root, String field, boolean fallback) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw validation("field '" + field + "' must be true or false, got " + kind(node));
        }
        return node.booleanValue();
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number (" + node + ")";
            case BOOLEAN -> "a boolean (" + node + ")";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static HttpError validation(String message) {
        return new HttpError(422, message, "validation");
    }
}
