package io.finetune4j.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds (or makes) the tokenizer files of a model folder: {@code tokenizer.json} as is, or the
 * standard BERT files generated from {@code vocab.txt}, written into the folder when it is
 * writable and into a temporary folder otherwise.
 */
record TokenizerFolder(Path dir, byte[] tokenizerJson, byte[] tokenizerConfig, JsonNode config) {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFolder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static TokenizerFolder resolve(Path dir) {
        if (dir == null) {
            throw new BadInputException("no tokenizer folder given; pass a folder holding tokenizer.json or vocab.txt");
        }
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("tokenizer folder " + dir + " does not exist or is not a folder; pass a folder holding tokenizer.json or vocab.txt");
        }
        Path source = dir;
        if (!Files.isRegularFile(dir.resolve(BertTokenizerFiles.TOKENIZER_JSON))) {
            if (!Files.isRegularFile(dir.resolve(BertTokenizerFiles.VOCAB))) {
                throw new BadInputException("no tokenizer in " + dir + ": expected tokenizer.json, or vocab.txt of a BERT checkpoint");
            }
            JsonNode existing = readConfig(dir.resolve(BertTokenizerFiles.TOKENIZER_CONFIG));
            boolean lower = existing.path("do_lower_case").asBoolean(true);
            int maxLen = modelMaxLength(existing, BertTokenizerFiles.DEFAULT_MODEL_MAX_LENGTH);
            source = Files.isWritable(dir) ? dir : tempDir();
            if (source != dir) {
                LOG.info("{} is read-only; writing its tokenizer files to {}", dir, source);
            }
            BertTokenizerFiles.write(dir.resolve(BertTokenizerFiles.VOCAB), source, lower, maxLen);
        }
        Path tokenizerJson = source.resolve(BertTokenizerFiles.TOKENIZER_JSON);
        Path configFile = source.resolve(BertTokenizerFiles.TOKENIZER_CONFIG);
        byte[] json = read(tokenizerJson);
        byte[] config = Files.isRegularFile(configFile) ? read(configFile) : new byte[0];
        return new TokenizerFolder(source, json, config, readConfig(configFile));
    }

    private static Path tempDir() {
        try {
            Path tmp = Files.createTempDirectory("finetune4j-tokenizer-");
            tmp.toFile().deleteOnExit();
            return tmp;
        } catch (IOException e) {
            throw new BadInputException("cannot create a temporary folder for the tokenizer files: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInputException(file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + "); fix or delete it", e);
        }
    }

    /** HF stores "no limit" as 1e30; anything beyond int range means no limit here. */
    static int modelMaxLength(JsonNode config, int fallback) {
        JsonNode n = config.get("model_max_length");
        if (n == null || !n.isNumber()) {
            return fallback;
        }
        double v = n.asDouble();
        return v >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    int modelMaxLength() {
        return modelMaxLength(config, Integer.MAX_VALUE);
    }

    /** tokenizer_config.json's truncation_side (HF's default: right). */
    EncodeOptions.Side truncationSide() {
        JsonNode n = config.get("truncation_side");
        return n == null || !n.isTextual() ? EncodeOptions.Side.RIGHT : EncodeOptions.Side.parse(n.asText());
    }

    /** tokenizer_config.json with {@code changes} applied, as saved by save_pretrained. */
    byte[] configWith(Map<String, Object> changes) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode out = config.isObject()
                    ? ((com.fasterxml.jackson.databind.node.ObjectNode) config).deepCopy() : JSON.createObjectNode();
            changes.forEach((k, v) -> out.set(k, JSON.valueToTree(v)));
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Special token strings by HF attribute name (cls_token, ...), from the config, else BERT's defaults. */
    Map<String, String> specialTokens(Map<String, Integer> vocab) {
        JsonNode map = readConfig(dir.resolve(BertTokenizerFiles.SPECIAL_TOKENS_MAP));
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : BertTokenizerFiles.SPECIAL_TOKENS.entrySet()) {
            String value = tokenText(config.get(e.getKey()));
            if (value == null) {
                value = tokenText(map.get(e.getKey()));
            }
            if (value == null && vocab.containsKey(e.getValue())) {
                value = e.getValue();
            }
            if (value != null) {
                out.put(e.getKey(), value);
            }
        }
        return out;
    }

    /** A special token is saved as a string or as an AddedToken object with "content". */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }
}
