package io.finetune4j.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.io.BertTokenizerFiles;
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

    /** The largest tokenizer file read; the one limit lives with the tokenizer files' writer in io. */
    static final long MAX_FILE_BYTES = BertTokenizerFiles.MAX_FILE_BYTES;

    private static byte[] read(Path file) {
        try {
            checkSize(file);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkSize(Path file) throws IOException {
        BertTokenizerFiles.checkSize(file);
    }

    private static JsonNode readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            return JSON.createObjectNode();
        }
        try {
            checkSize(file);
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

    /** HF's {@code padding_side}: tokenizer_config.json's, right by default. */
    EncodeOptions.Side paddingSide() {
        JsonNode side = config.get("padding_side");
        if (side == null || side.isNull()) {
            return EncodeOptions.Side.RIGHT;
        }
        try {
            return EncodeOptions.Side.parse(side.asText());
        } catch (BadInputException e) {
            throw new BadInputException(dir.resolve(BertTokenizerFiles.TOKENIZER_CONFIG) + ": padding_side must be left or right, got '"
                    + side.asText() + "'");
        }
    }

    /** The special-token roles HF tokenizers have, with the conventional token of each (BERT's, then RoBERTa/SentencePiece's). */
    private static final Map<String, java.util.List<String>> ROLES = roles();

    private static Map<String, java.util.List<String>> roles() {
        Map<String, java.util.List<String>> m = new LinkedHashMap<>();
        m.put("cls_token", java.util.List.of("[CLS]", "<s>"));
        m.put("mask_token", java.util.List.of("[MASK]", "<mask>"));
        m.put("pad_token", java.util.List.of("[PAD]", "<pad>"));
        m.put("sep_token", java.util.List.of("[SEP]", "</s>"));
        m.put("unk_token", java.util.List.of("[UNK]", "<unk>"));
        m.put("bos_token", java.util.List.of());
        m.put("eos_token", java.util.List.of());
        return m;
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

    /**
     * Special token strings by HF attribute name (cls_token, ...): tokenizer_config.json's, else
     * special_tokens_map.json's, else tokenizer.json's (its padding's pad_token, its model's
     * unk_token), else the conventional token of the role when the vocabulary has it.
     */
    Map<String, String> specialTokens(Map<String, Integer> vocab) {
        JsonNode map = readConfig(dir.resolve(BertTokenizerFiles.SPECIAL_TOKENS_MAP));
        JsonNode json;
        try {
            json = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : ROLES.entrySet()) {
            String value = tokenText(config.get(e.getKey()));
            if (value == null) {
                value = tokenText(map.get(e.getKey()));
            }
            if (value == null && e.getKey().equals("pad_token")) {
                value = tokenText(json.path("padding").get("pad_token"));
            }
            if (value == null && e.getKey().equals("unk_token")) {
                value = tokenText(json.path("model").get("unk_token"));
            }
            for (String conventional : e.getValue()) {
                if (value == null && vocab.containsKey(conventional)) {
                    value = conventional;
                }
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
