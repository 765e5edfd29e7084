package io.finetune4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the files HF's {@code BertTokenizerFast.save_pretrained} produces for a folder that only
 * holds a WordPiece {@code vocab.txt} (Google's original BERT checkpoints): {@code tokenizer.json},
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}.
 */
public final class BertTokenizerFiles {
    public static final String VOCAB = "vocab.txt";
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    public static final int DEFAULT_MODEL_MAX_LENGTH = 512;

    /** BERT's special tokens, in HF's special_tokens_map key order. */
    static final Map<String, String> SPECIAL_TOKENS = specialTokens();

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BertTokenizerFiles() {}

    private static Map<String, String> specialTokens() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cls_token", "[CLS]");
        m.put("mask_token", "[MASK]");
        m.put("pad_token", "[PAD]");
        m.put("sep_token", "[SEP]");
        m.put("unk_token", "[UNK]");
        return m;
    }

    /**
     * Writes the three tokenizer files next to {@code dir/vocab.txt}, each atomically.
     *
     * @throws BadInputException when vocab.txt is missing, empty or lacks [UNK], [CLS] or [SEP]
     */
    public static void write(Path dir, boolean doLowerCase, int modelMaxLength) {
        write(dir.resolve(VOCAB), dir, doLowerCase, modelMaxLength);
    }

    /** Reads {@code vocabFile} and writes the tokenizer files into {@code targetDir}. */
    public static void write(Path vocabFile, Path targetDir, boolean doLowerCase, int modelMaxLength) {
        Map<String, Integer> vocab = readVocab(vocabFile);
        String tokenizerJson = tokenizerJson(vocab, doLowerCase);
        AtomicFiles.writeString(targetDir.resolve(TOKENIZER_JSON), tokenizerJson);
        AtomicFiles.writeString(targetDir.resolve(TOKENIZER_CONFIG), tokenizerConfig(vocab, doLowerCase, modelMaxLength));
        AtomicFiles.writeString(targetDir.resolve(SPECIAL_TOKENS_MAP), toJson(specialTokensMap()));
    }

    /** The largest tokenizer file read (tokenizer.json of a large multilingual vocabulary is tens of MB). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /** Refuses a tokenizer file over {@link #MAX_FILE_BYTES} before reading it. */
    public static void checkSize(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new BadInputException(file + " is " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " a tokenizer file has; is it the right file?");
        }
    }

    /** vocab.txt: one token per line, the line number is the id (HF's load_vocab). */
    static Map<String, Integer> readVocab(Path vocabFile) {
        if (!Files.isRegularFile(vocabFile)) {
            throw new BadInputException("no vocabulary at " + vocabFile + ": a BERT tokenizer folder needs tokenizer.json or vocab.txt");
        }
        List<String> lines;
        try {
            checkSize(vocabFile);
            lines = Files.readAllLines(vocabFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + vocabFile + " as UTF-8 text (" + e.getMessage() + "); replace it with a valid vocab.txt", e);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String token = lines.get(i).strip();
            if (i == lines.size() - 1 && token.isEmpty()) {
                break; // trailing newline at the end of the file
            }
            vocab.put(token, i);
        }
        for (String required : List.of("[UNK]", "[CLS]", "[SEP]")) {
            if (!vocab.containsKey(required)) {
                throw new BadInputException(vocabFile + " has no " + required + " token: it is not a BERT WordPiece vocabulary");
            }
        }
        return vocab;
    }

    static String tokenizerJson(Map<String, Integer> vocab, boolean doLowerCase) {
        ObjectNode root = NODES.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        vocab.entrySet().stream()
                .filter(e -> SPECIAL_TOKENS.containsValue(e.getKey()))
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> added.add(addedToken(e.getValue(), e.getKey())));

        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", true);
        normalizer.put("handle_chinese_chars", true);
        normalizer.putNull("strip_accents"); // null: follows lowercase, as BertTokenizerFast saves it
        normalizer.put("lowercase", doLowerCase);

        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");

        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.add(special("[CLS]", 0));
        single.add(sequence("A", 0));
        single.add(special("[SEP]", 0));
        ArrayNode pair = post.putArray("pair");
        pair.add(special("[CLS]", 0));
        pair.add(sequence("A", 0));
        pair.add(special("[SEP]", 0));
        pair.add(sequence("B", 1));
        pair.add(special("[SEP]", 1));
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : List.of("[CLS]", "[SEP]")) {
            ObjectNode s = specials.putObject(token);
            s.put("id", token);
            s.putArray("ids").add(vocab.get(token));
            s.putArray("tokens").add(token);
        }

        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "WordPiece");
        decoder.put("prefix", "##");
        decoder.put("cleanup", true);

        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", "[UNK]");
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", 100);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        return toJson(root);
    }

    private static ObjectNode addedToken(int id, String content) {
        ObjectNode t = NODES.objectNode();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    private static ObjectNode special(String id, int typeId) {
        ObjectNode o = NODES.objectNode();
        ObjectNode s = o.putObject("SpecialToken");
        s.put("id", id);
        s.put("type_id", typeId);
        return o;
    }

    private static ObjectNode sequence(String id, int typeId) {
        ObjectNode o = NODES.objectNode();
        ObjectNode s = o.putObject("Sequence");
        s.put("id", id);
        s.put("type_id", typeId);
        return o;
    }

    static String tokenizerConfig(Map<String, Integer> vocab, boolean doLowerCase, int modelMaxLength) {
        ObjectNode root = NODES.objectNode();
        ObjectNode decoder = root.putObject("added_tokens_decoder");
        vocab.entrySet().stream()
                .filter(e -> SPECIAL_TOKENS.containsValue(e.getKey()))
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> {
                    ObjectNode t = addedToken(e.getValue(), e.getKey());
                    t.remove("id");
                    decoder.set(String.valueOf(e.getValue()), t);
                });
        root.put("clean_up_tokenization_spaces", true);
        root.put("cls_token", "[CLS]");
        root.put("do_basic_tokenize", true);
        root.put("do_lower_case", doLowerCase);
        root.put("mask_token", "[MASK]");
        root.put("model_max_length", modelMaxLength);
        root.putNull("never_split");
        root.put("pad_token", "[PAD]");
        root.put("sep_token", "[SEP]");
        root.putNull("strip_accents");
        root.put("tokenize_chinese_chars", true);
        root.put("tokenizer_class", "BertTokenizer");
        root.put("unk_token", "[UNK]");
        return toJson(root);
    }

    private static ObjectNode specialTokensMap() {
        ObjectNode root = NODES.objectNode();
        SPECIAL_TOKENS.forEach(root::put);
        return root;
    }

    private static String toJson(Object node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
