package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.data.BatchFunction;
import io.finetune4j.data.Column;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.tokenize.EncodeOptions.Padding;
import io.finetune4j.tokenize.EncodeOptions.Side;
import io.finetune4j.tokenize.EncodeOptions.Truncation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoTokenizerTest {
    @TempDir
    static Path tmp;

    static AutoTokenizer tok;

    static final EncodeOptions SEED = EncodeOptions.builder().truncation(true).padding(Padding.MAX_LENGTH).maxLength(160).build();

    @BeforeAll
    static void load() throws Exception {
        tok = AutoTokenizer.fromPretrained(TokenizerTestFiles.bertVocabFolder(tmp));
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void settingsChangeByCopiesThatShareTheNativeTokenizer() {
        AutoTokenizer own = AutoTokenizer.fromPretrained(tok.directory());
        AutoTokenizer left = own.withTruncationSide(EncodeOptions.Side.LEFT);
        AutoTokenizer short12 = left.withModelMaxLength(12);
        assertEquals(EncodeOptions.Side.RIGHT, own.truncationSide(), "the original is unchanged");
        assertEquals(EncodeOptions.Side.LEFT, left.truncationSide());
        assertEquals(own.modelMaxLength(), left.modelMaxLength());
        assertEquals(12, short12.modelMaxLength());
        assertEquals(EncodeOptions.Side.LEFT, short12.truncationSide());
        own.close();
        left.close();
        left.close(); // closing twice counts once
        assertEquals(4, short12.encode("hello world", EncodeOptions.builder().build()).inputIds()[0].length,
                "the copy still encodes after the others closed");
        short12.close();
        assertThrows(IllegalStateException.class, () -> short12.encode("hello", EncodeOptions.builder().build()),
                "freed when the last sharing instance closes");
    }

    @Test
    void reproducesTheSeedsIdsForImdbTrain0() {
        BatchEncoding enc = tok.encode(TokenizerTestFiles.imdbTrain0(), SEED);
        assertEquals(1, enc.size());
        assertArrayEquals(TokenizerTestFiles.seedInputIds(), enc.inputIds()[0]);
        assertArrayEquals(new int[160], enc.tokenTypeIds()[0]);
        int[] ones = new int[160];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, enc.attentionMask()[0]);
        assertEquals(List.of("input_ids", "token_type_ids", "attention_mask"), List.copyOf(enc.keys()));
    }

    @Test
    void writesHfBertFilesForAVocabOnlyFolder() throws Exception {
        Path dir = tok.directory();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("BertNormalizer", json.at("/normalizer/type").asText());
        assertTrue(json.at("/normalizer/strip_accents").isNull());
        assertTrue(json.at("/normalizer/lowercase").asBoolean());
        assertEquals("BertPreTokenizer", json.at("/pre_tokenizer/type").asText());
        assertEquals("WordPiece", json.at("/model/type").asText());
        assertEquals(100, json.at("/model/max_input_chars_per_word").asInt());
        assertEquals("WordPiece", json.at("/decoder/type").asText());
        assertEquals(5, json.get("added_tokens").size());
        assertEquals(5, json.at("/post_processor/pair").size());
        assertTrue(json.get("truncation").isNull());
        JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals(512, config.get("model_max_length").asInt());
        assertEquals("BertTokenizer", config.get("tokenizer_class").asText());
        assertTrue(Files.isRegularFile(dir.resolve("special_tokens_map.json")));
        assertEquals(30522, tok.vocabSize());
        assertEquals(512, tok.modelMaxLength());
    }

    @Test
    void specialTokensAndVocabularyLookups() {
        assertEquals("[CLS]", tok.clsToken());
        assertEquals(101, tok.clsTokenId());
        assertEquals(102, tok.sepTokenId());
        assertEquals(0, tok.padTokenId());
        assertEquals(100, tok.unkTokenId());
        assertEquals(103, tok.maskTokenId());
        assertEquals(List.of("una", "##ffa", "##ble"), tok.tokenize("UNaffable"));
        assertArrayEquals(new int[] {7592, 100}, tok.convertTokensToIds(List.of("hello", "no-such-token")));
        assertEquals(List.of("[CLS]", "hello", "[SEP]"), tok.convertIdsToTokens(new int[] {101, 7592, 102}));
        assertThrows(BadInputException.class, () -> tok.convertIdsToTokens(new int[] {40000}));
    }

    @Test
    void pairsGetTypeIds() {
        BatchEncoding enc = tok.encode("hello world", "how are you", EncodeOptions.defaults());
        assertEquals(List.of("[CLS]", "hello", "world", "[SEP]", "how", "are", "you", "[SEP]"), List.of(enc.tokens(0)));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1}, enc.tokenTypeIds()[0]);
        BatchEncoding batch = tok.encode(List.of("a", "b c"), List.of("d e f", "g"), EncodeOptions.builder().padding(true).build());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1}, batch.tokenTypeIds()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 0}, batch.tokenTypeIds()[1]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0}, batch.attentionMask()[1]);
    }

    private static int[] counts(BatchEncoding enc) {
        int[] types = enc.tokenTypeIds()[0];
        int b = 0;
        for (int t : types) b += t;
        return new int[] {types.length - b - 2, b - 1}; // content tokens of A and of B
    }

    @Test
    void eachTruncationStrategy() {
        String ten = "one two three four five six seven eight nine ten";
        String five = "red green blue black white";
        EncodeOptions.Builder b = EncodeOptions.builder().maxLength(10);
        assertArrayEquals(new int[] {10, 5}, counts(tok.encode(ten, five, b.truncation(Truncation.DO_NOT_TRUNCATE).build())));
        int[] longest = counts(tok.encode(ten, five, b.truncation(Truncation.LONGEST_FIRST).build()));
        assertEquals(7, longest[0] + longest[1]);
        assertTrue(longest[0] >= longest[1], Arrays.toString(longest));
        assertArrayEquals(new int[] {2, 5}, counts(tok.encode(ten, five, b.truncation(Truncation.ONLY_FIRST).build())));
        assertArrayEquals(new int[] {5, 2}, counts(tok.encode(five, ten, b.truncation(Truncation.ONLY_SECOND).build())));
        // only_second cannot shorten a 2-token second text enough: one clear error, as HF raises
        assertThrows(BadInputException.class, () -> tok.encode(ten, "red green", b.truncation(Truncation.ONLY_SECOND).build()));

        BatchEncoding left = tok.encode(ten, EncodeOptions.builder().truncation(true).maxLength(5).truncationSide(Side.LEFT).build());
        assertEquals(List.of("[CLS]", "eight", "nine", "ten", "[SEP]"), List.of(left.tokens(0)));
        BatchEncoding right = tok.encode(ten, EncodeOptions.builder().truncation(true).maxLength(5).build());
        assertEquals(List.of("[CLS]", "one", "two", "three", "[SEP]"), List.of(right.tokens(0)));
        // HF: max_length with truncation and padding left unset truncates (longest_first)
        assertEquals(5, tok.encode(ten, EncodeOptions.builder().maxLength(5).build()).inputIds()[0].length);
        assertEquals(12, tok.encode(ten, EncodeOptions.builder().maxLength(5).truncation(false).build()).inputIds()[0].length);
        // truncation without max_length: model_max_length (512)
        String longText = "word ".repeat(2000);
        assertEquals(512, tok.encode(longText, EncodeOptions.builder().truncation(true).build()).inputIds()[0].length);
    }

    @Test
    void paddingSidesAndStrategies() {
        EncodeOptions.Builder b = EncodeOptions.builder().padding(Padding.MAX_LENGTH).maxLength(6).returnSpecialTokensMask(true);
        BatchEncoding right = tok.encode("hello", b.build());
        assertArrayEquals(new int[] {101, 7592, 102, 0, 0, 0}, right.inputIds()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0}, right.attentionMask()[0]);
        assertArrayEquals(new int[] {1, 0, 1, 1, 1, 1}, right.specialTokensMask()[0]);
        assertEquals(List.of("[CLS]", "hello", "[SEP]", "[PAD]", "[PAD]", "[PAD]"), List.of(right.tokens(0)));
        BatchEncoding left = tok.encode("hello", b.paddingSide(Side.LEFT).build());
        assertArrayEquals(new int[] {0, 0, 0, 101, 7592, 102}, left.inputIds()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, left.attentionMask()[0]);

        BatchEncoding longest = tok.encode(List.of("hello", "hello world again"), EncodeOptions.builder().padding(Padding.LONGEST).build());
        assertEquals(5, longest.inputIds()[0].length);
        assertEquals(5, longest.inputIds()[1].length);
        BatchEncoding none = tok.encode(List.of("hello", "hello world again"), EncodeOptions.defaults());
        assertEquals(3, none.inputIds()[0].length);
        BatchEncoding multiple = tok.encode(List.of("hello"), EncodeOptions.builder().padding(true).padToMultipleOf(8).returnLength(true).build());
        assertEquals(8, multiple.inputIds()[0].length);
        assertArrayEquals(new int[] {8}, multiple.length());
    }

    @Test
    void strideGivesOverlappingOverflowWindows() {
        String text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty";
        List<String> words = tok.tokenize(text);
        assertEquals(20, words.size());
        EncodeOptions opts = EncodeOptions.builder().truncation(true).maxLength(10).stride(2).returnOverflowingTokens(true).build();
        BatchEncoding enc = tok.encode(List.of(text, "short text"), opts);
        int[] mapping = enc.overflowToSampleMapping();
        assertEquals(1, mapping[mapping.length - 1]);
        int windows = mapping.length - 1;
        assertEquals(3, windows); // 8 content tokens per window, advancing 8 - 2 = 6: [0,8) [6,14) [12,20)
        for (int w = 0; w < windows; w++) {
            assertEquals(0, mapping[w]);
            List<String> tokens = List.of(enc.tokens(w));
            assertEquals("[CLS]", tokens.get(0));
            assertEquals(words.subList(6 * w, Math.min(20, 6 * w + 8)), tokens.subList(1, tokens.size() - 1));
        }
    }

    @Test
    void offsetsPointIntoTheText() {
        String text = "Hello, naïve Café!";
        BatchEncoding enc = tok.encode(text, EncodeOptions.builder().returnOffsetsMapping(true).build());
        String[] tokens = enc.tokens(0);
        int[][] offsets = enc.offsetMapping()[0];
        assertArrayEquals(new int[] {0, 0}, offsets[0]);
        assertArrayEquals(new int[] {0, 0}, offsets[offsets.length - 1]);
        assertEquals("hello", tokens[1]);
        assertArrayEquals(new int[] {0, 5}, offsets[1]);
        assertArrayEquals(new int[] {5, 6}, offsets[2]);
        StringBuilder covered = new StringBuilder();
        for (int i = 1; i < offsets.length - 1; i++) {
            covered.append(text, offsets[i][0], offsets[i][1]);
        }
        assertEquals(text.replace(" ", ""), covered.toString());

        // code point offsets, as HF's Python indices: the emoji counts as one
        BatchEncoding emoji = tok.encode("\uD83D\uDE00 hi", EncodeOptions.builder().returnOffsetsMapping(true).build());
        assertArrayEquals(new int[] {2, 4}, emoji.offsetMapping()[0][2]);
    }

    @Test
    void decodeRoundTrip() {
        String text = "Hello, world! This isn't tokenization.";
        int[] ids = tok.encode(text, EncodeOptions.defaults()).inputIds()[0];
        assertEquals("hello, world! this isn't tokenization.", tok.decode(ids, true));
        assertEquals("[CLS] hello, world! this isn't tokenization. [SEP]", tok.decode(ids, false));
    }

    @Test
    void emptyAndWhitespaceTextsGiveClsSep() {
        for (String text : List.of("", "   ", "\n\t \r\n")) {
            assertArrayEquals(new int[] {101, 102}, tok.encode(text, EncodeOptions.defaults()).inputIds()[0], "'" + text + "'");
            int[] padded = new int[160];
            padded[0] = 101;
            padded[1] = 102;
            assertArrayEquals(padded, tok.encode(text, SEED).inputIds()[0]);
        }
    }

    @Test
    void aMegabyteTextTruncates() {
        String text = TokenizerTestFiles.imdbTrain0().repeat(700); // ~1.1 MB
        assertTrue(text.length() > 1_000_000);
        BatchEncoding enc = tok.encode(text, SEED);
        assertArrayEquals(TokenizerTestFiles.seedInputIds(), enc.inputIds()[0]);
    }

    @Test
    void nullTextIsAClearError() {
        BadInputException e = assertThrows(BadInputException.class, () -> tok.encode((String) null, EncodeOptions.defaults()));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
        assertThrows(BadInputException.class, () -> tok.encode(Arrays.asList("a", null), EncodeOptions.defaults()));
    }

    @Test
    void missingOrMalformedFilesAreBadInput() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        BadInputException missing = assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(empty));
        assertTrue(missing.getMessage().contains("vocab.txt"), missing.getMessage());
        assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(tmp.resolve("no-such-folder")));

        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": 7}");
        BadInputException bad = assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(broken));
        assertTrue(bad.getMessage().contains("tokenizer.json"), bad.getMessage());
        Files.writeString(broken.resolve("tokenizer.json"), "{\"model\": {\"type\": \"NoSuchModel\"}}");
        assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(broken));

        Path notBert = Files.createDirectories(tmp.resolve("not-bert"));
        Files.writeString(notBert.resolve("vocab.txt"), "a\nb\nc\n");
        assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(notBert));
    }

    @Test
    void tokenIdsAndFileSizesAreBounded() throws Exception {
        Path ids = Files.createDirectories(tmp.resolve("huge-id"));
        Files.writeString(ids.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\","
                + " \"max_input_chars_per_word\": 100, \"vocab\": {\"[UNK]\": 0, \"a\": 2147483000}}}");
        BadInputException id = assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(ids));
        assertTrue(id.getMessage().contains("token 'a' has id 2147483000, outside 0.." + (AutoTokenizer.MAX_TOKEN_ID - 1)), id.getMessage());

        // Files over 1 GiB (sparse here) are refused before they are read.
        for (String name : List.of("tokenizer.json", "vocab.txt", "tokenizer_config.json")) {
            Path dir = Files.createDirectories(tmp.resolve("big-" + name));
            if (!name.equals("vocab.txt")) {
                Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(name),
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'}'}), TokenizerFolder.MAX_FILE_BYTES);
            }
            BadInputException big = assertThrows(BadInputException.class, () -> AutoTokenizer.fromPretrained(dir));
            assertTrue(big.getMessage().contains(name + " is " + (TokenizerFolder.MAX_FILE_BYTES + 1) + " bytes, more than"), big.getMessage());
        }
    }

    @Test
    void warnsWhenSequencesExceedModelMaxLength() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (AutoTokenizer fresh = AutoTokenizer.fromPretrained(tok.directory())) {
            int[] ids = fresh.encode("word ".repeat(700), EncodeOptions.builder().truncation(true).maxLength(600).build()).inputIds()[0];
            assertEquals(600, ids.length);
        } finally {
            System.setErr(saved);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "Token indices sequence length is longer than the specified maximum sequence length for this model (600 > 512)"), err.toString());
    }

    @Test
    void honoursDoLowerCaseAndModelMaxLengthFromConfig() throws Exception {
        Path cased = Files.createDirectories(tmp.resolve("cased"));
        Files.writeString(cased.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nHello\nhello\n");
        Files.writeString(cased.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 64}");
        try (AutoTokenizer t = AutoTokenizer.fromPretrained(cased)) {
            assertEquals(List.of("Hello", "hello"), t.tokenize("Hello hello"));
            assertEquals(64, t.modelMaxLength());
            assertEquals(7, t.vocabSize());
        }
        BertTokenizerFiles.write(cased, true, 128);
        try (AutoTokenizer t = AutoTokenizer.fromPretrained(cased)) {
            assertEquals(List.of("hello", "hello"), t.tokenize("Hello hello"));
            assertEquals(128, t.modelMaxLength());
        }
    }

    @Test
    void savePretrainedReloadsToTheSameTokenizer() {
        Path out = tmp.resolve("saved");
        tok.savePretrained(out);
        for (String name : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        try (AutoTokenizer again = AutoTokenizer.fromPretrained(out)) {
            assertEquals(tok.fingerprint(), again.fingerprint());
            assertArrayEquals(TokenizerTestFiles.seedInputIds(), again.encode(TokenizerTestFiles.imdbTrain0(), SEED).inputIds()[0]);
        }
        assertEquals(tok.fingerprint(SEED), tok.fingerprint(SEED));
        assertNotEquals(tok.fingerprint(SEED), tok.fingerprint(SEED.toBuilder().maxLength(128).build()));
    }

    @Test
    void mapFunctionMatchesEncodeAndIsThreadSafe() throws Exception {
        String[] texts = {TokenizerTestFiles.imdbTrain0(), "", "short one", "日本語のテキスト and more", "naïve café ".repeat(100)};
        BatchFunction fn = tok.mapFunction("text", SEED);
        Map<String, Column> out = fn.apply(Map.of("text", new Column.Strings(texts), "label", new Column.Ints(new int[5])));
        assertEquals(List.of("input_ids", "token_type_ids", "attention_mask"), List.copyOf(out.keySet()));
        BatchEncoding expected = tok.encode(List.of(texts), SEED);
        int[][] ids = ((Column.IntLists) out.get("input_ids")).values();
        for (int i = 0; i < texts.length; i++) {
            assertArrayEquals(expected.inputIds()[i], ids[i]);
            assertArrayEquals(expected.attentionMask()[i], ((Column.IntLists) out.get("attention_mask")).values()[i]);
        }
        assertEquals(fn.fingerprint(), tok.mapFunction("text", SEED).fingerprint());
        assertNotEquals(fn.fingerprint(), tok.mapFunction("other", SEED).fingerprint());

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Map<String, Column>>> futures = List.of(
                    pool.submit(() -> fn.apply(Map.of("text", new Column.Strings(texts)))),
                    pool.submit(() -> fn.apply(Map.of("text", new Column.Strings(texts)))));
            for (Future<Map<String, Column>> f : futures) {
                assertArrayEquals(ids, ((Column.IntLists) f.get().get("input_ids")).values());
            }
        } finally {
            pool.shutdown();
        }

        // a large batch is split across cores: same rows, same order
        String[] many = new String[1300];
        for (int i = 0; i < many.length; i++) {
            many[i] = texts[i % texts.length] + " row " + i;
        }
        int[][] manyIds = ((Column.IntLists) fn.apply(Map.of("text", new Column.Strings(many))).get("input_ids")).values();
        assertArrayEquals(tok.encode(List.of(many), SEED).inputIds(), manyIds);

        BatchFunction pairs = tok.mapFunction("a", "b", EncodeOptions.builder().padding(true).build());
        Map<String, Column> pairOut = pairs.apply(Map.of("a", new Column.Strings(new String[] {"x"}), "b", new Column.Strings(new String[] {"y z"})));
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, ((Column.IntLists) pairOut.get("token_type_ids")).values()[0]);

        assertThrows(BadInputException.class, () -> fn.apply(Map.of("label", new Column.Ints(new int[1]))));
        assertThrows(BadInputException.class, () -> fn.apply(Map.of("text", new Column.Strings(new String[] {null}))));
        assertThrows(BadInputException.class, () -> tok.mapFunction("text", SEED.toBuilder().returnOverflowingTokens(true).build()));
        assertNull(tok.encode("x", EncodeOptions.defaults()).specialTokensMask());
    }
}
