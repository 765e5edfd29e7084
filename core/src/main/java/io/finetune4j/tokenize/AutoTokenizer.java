package io.finetune4j.tokenize;

import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import io.finetune4j.BadInputException;
import io.finetune4j.data.BatchFunction;
import io.finetune4j.data.Column;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.BertTokenizerFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code AutoTokenizer} for a local folder, backed by the HF tokenizers library (Rust, via
 * DJL's JNI). Immutable and thread-safe: one instance can encode from several threads at once; settings
 * change by {@code with…} copies ({@link #withModelMaxLength}, {@link #withTruncationSide}) that share the native
 * tokenizers. Close each instance to free them (they are freed when the last sharing instance closes).
 *
 * <pre>{@code
 * try (AutoTokenizer tok = AutoTokenizer.fromPretrained(Path.of("bert-base-uncased"))) {
 *     BatchEncoding enc = tok.encode("I rented I AM CURIOUS-YELLOW...",
 *             EncodeOptions.builder().truncation(true).padding(Padding.MAX_LENGTH).maxLength(160).build());
 * }
 * }</pre>
 */
public final class AutoTokenizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoTokenizer.class);
    /** Token ids must be below this (the largest vocabularies in use hold about a million tokens). */
    static final int MAX_TOKEN_ID = 1 << 24;

    private final TokenizerFolder folder;
    private final NativeHandles handles;
    private final Encoder encoder;
    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final int modelVocabSize;
    private final Map<String, String> specialTokens;
    private final Padder padder;
    private final int modelMaxLength;
    private final EncodeOptions.Side truncationSide;
    private final AtomicBoolean warnedTooLong;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AutoTokenizer(TokenizerFolder folder, boolean prefixCut) {
        this.folder = folder;
        this.handles = new NativeHandles(folder.tokenizerJson(), folder.dir());
        this.encoder = new Encoder(handles, prefixCut);
        JsonNode json = handles.json();
        this.vocab = new HashMap<>();
        JsonNode modelVocab = json.path("model").path("vocab");
        if (modelVocab.isObject()) {
            modelVocab.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        } else if (modelVocab.isArray()) { // Unigram: [[piece, score], ...]
            for (int i = 0; i < modelVocab.size(); i++) {
                vocab.put(modelVocab.get(i).path(0).asText(), i);
            }
        }
        this.modelVocabSize = vocab.size();
        for (JsonNode added : json.path("added_tokens")) {
            vocab.put(added.path("content").asText(), added.path("id").asInt());
        }
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int minId = vocab.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (minId < 0 || maxId >= MAX_TOKEN_ID) {
            int bad = minId < 0 ? minId : maxId;
            String token = vocab.entrySet().stream().filter(e -> e.getValue() == bad).map(Map.Entry::getKey).findFirst().orElse("?");
            handles.close();
            throw new BadInputException("malformed tokenizer file " + folder.dir().resolve(BertTokenizerFiles.TOKENIZER_JSON) + ": token '"
                    + token + "' has id " + bad + ", outside 0.." + (MAX_TOKEN_ID - 1) + "; re-save it with save_pretrained");
        }
        this.idToToken = new String[maxId + 1];
        vocab.forEach((token, id) -> idToToken[id] = token);
        this.specialTokens = folder.specialTokens(vocab);
        this.modelMaxLength = folder.modelMaxLength();
        Integer pad = padTokenId();
        this.padder = new Padder(pad == null ? 0 : pad, json.path("padding").path("pad_type_id").asInt(0), folder.paddingSide());
        this.truncationSide = folder.truncationSide();
        this.warnedTooLong = new AtomicBoolean();
    }

    /** A copy with other settings, sharing the native tokenizers (and the warn-once flag) of {@code from}. */
    private AutoTokenizer(AutoTokenizer from, int modelMaxLength, EncodeOptions.Side truncationSide) {
        this.folder = from.folder;
        this.handles = from.handles.retain();
        this.encoder = from.encoder;
        this.vocab = from.vocab;
        this.idToToken = from.idToToken;
        this.modelVocabSize = from.modelVocabSize;
        this.specialTokens = from.specialTokens;
        this.padder = from.padder;
        this.modelMaxLength = modelMaxLength;
        this.truncationSide = truncationSide;
        this.warnedTooLong = from.warnedTooLong;
    }

    /**
     * Loads the tokenizer of a model folder: {@code tokenizer.json} as is, or, for a folder with
     * only {@code vocab.txt} (Google's BERT checkpoints), the standard BERT tokenizer files are
     * written first (into the folder when writable, else into a temporary folder), honouring
     * {@code do_lower_case} and {@code model_max_length} of an existing tokenizer_config.json.
     * A known model name ({@code bert-base-uncased}) that is no local folder is its cache folder,
     * fetched when needed ({@link io.finetune4j.io.hub.PretrainedModels#resolveIfKnown}).
     *
     * @throws BadInputException when the folder, vocab.txt or tokenizer.json is missing or malformed
     */
    public static AutoTokenizer fromPretrained(Path dir) {
        return new AutoTokenizer(TokenizerFolder.resolve(io.finetune4j.io.hub.PretrainedModels.resolveIfKnown(dir)), true);
    }

    /** For benchmarks and identity tests: the same tokenizer without the prefix cut. */
    static AutoTokenizer fromPretrained(Path dir, boolean prefixCut) {
        return new AutoTokenizer(TokenizerFolder.resolve(io.finetune4j.io.hub.PretrainedModels.resolveIfKnown(dir)), prefixCut);
    }

    // ---- encoding ---------------------------------------------------------------------------

    /** {@code tokenizer(text, **options)}: one row (more with overflowing tokens). */
    public BatchEncoding encode(String text, EncodeOptions options) {
        return encode(new String[] {requireText(text, 0)}, null, options);
    }

    /** {@code tokenizer(text, text_pair, **options)}. */
    public BatchEncoding encode(String text, String textPair, EncodeOptions options) {
        return encode(new String[] {requireText(text, 0)}, new String[] {requireText(textPair, 0)}, options);
    }

    /** {@code tokenizer(texts, **options)}: a batch, padded together when padding is longest. */
    public BatchEncoding encode(List<String> texts, EncodeOptions options) {
        return encode(texts.toArray(String[]::new), null, options);
    }

    /** {@code tokenizer(texts, text_pairs, **options)}. */
    public BatchEncoding encode(List<String> texts, List<String> textPairs, EncodeOptions options) {
        if (texts.size() != textPairs.size()) {
            throw new BadInputException("got " + texts.size() + " texts but " + textPairs.size() + " text pairs; pass one pair per text");
        }
        return encode(texts.toArray(String[]::new), textPairs.toArray(String[]::new), options);
    }

    private BatchEncoding encode(String[] texts, String[] pairs, EncodeOptions options) {
        checkTexts(texts, "text");
        if (pairs != null) {
            checkTexts(pairs, "text_pair");
        }
        Encoder.Fields fields = new Encoder.Fields(options.returnTokenTypeIds(), options.returnAttentionMask(),
                options.returnSpecialTokensMask(), options.returnOffsetsMapping(), true);
        List<Encoder.Row> rows = encoder.encode(texts, pairs, options, truncationLength(options), fields);
        warnIfTooLong(rows);
        int target = padTarget(rows, options);
        int n = rows.size();
        Map<String, int[][]> seq = new LinkedHashMap<>();
        int[][] ids = new int[n][];
        int[][] types = options.returnTokenTypeIds() ? new int[n][] : null;
        int[][] mask = options.returnAttentionMask() ? new int[n][] : null;
        int[][] special = options.returnSpecialTokensMask() ? new int[n][] : null;
        int[][][] offsets = options.returnOffsetsMapping() ? new int[n][][] : null;
        int[] length = options.returnLength() ? new int[n] : null;
        int[] overflow = options.returnOverflowingTokens() ? new int[n] : null;
        List<String[]> tokens = new ArrayList<>(n);
        Padder p = padder.withSide(options.paddingSide());
        String padToken = padToken() == null ? "" : padToken();
        for (int r = 0; r < n; r++) {
            Encoder.Row row = rows.get(r);
            padRow(p, row, target, r, ids, types, mask, special, length);
            if (offsets != null) offsets[r] = pairs(p.offsets(row.offsets, target));
            if (overflow != null) overflow[r] = row.sample;
            tokens.add(p.tokens(row.tokens, target, padToken));
        }
        seq.put(BatchEncoding.INPUT_IDS, ids);
        if (types != null) seq.put(BatchEncoding.TOKEN_TYPE_IDS, types);
        if (mask != null) seq.put(BatchEncoding.ATTENTION_MASK, mask);
        if (special != null) seq.put(BatchEncoding.SPECIAL_TOKENS_MASK, special);
        return new BatchEncoding(seq, offsets, length, overflow, tokens);
    }

    /** HF: truncation without max_length truncates to model_max_length. */
    private Integer truncationLength(EncodeOptions options) {
        if (options.truncation() == EncodeOptions.Truncation.DO_NOT_TRUNCATE) {
            return null;
        }
        if (options.maxLength() != null) {
            return options.maxLength();
        }
        return modelMaxLength == Integer.MAX_VALUE ? null : modelMaxLength;
    }

    /** The padded length of every row, or -1 for no padding. */
    private int padTarget(List<Encoder.Row> rows, EncodeOptions options) {
        int target;
        switch (options.padding()) {
            case DO_NOT_PAD -> { return -1; }
            case LONGEST -> target = rows.stream().mapToInt(r -> r.ids.length).max().orElse(0);
            default -> {
                Integer max = options.maxLength() != null ? options.maxLength()
                        : modelMaxLength == Integer.MAX_VALUE ? null : modelMaxLength;
                if (max == null) {
                    LOG.warn("Asking to pad to max_length but no maximum length is provided and the model has no predefined maximum length. Default to no padding.");
                    return -1;
                }
                target = max;
            }
        }
        Integer multiple = options.padToMultipleOf();
        if (multiple != null && target % multiple != 0) {
            target = (target / multiple + 1) * multiple;
        }
        return target;
    }

    private void warnIfTooLong(List<Encoder.Row> rows) {
        for (Encoder.Row row : rows) {
            if (row.ids.length > modelMaxLength) {
                if (warnedTooLong.compareAndSet(false, true)) {
                    LOG.warn("Token indices sequence length is longer than the specified maximum sequence length for this model ({} > {}). "
                            + "Running this sequence through the model will result in indexing errors", row.ids.length, modelMaxLength);
                }
                return;
            }
        }
    }

    /** The padded fields of one row, through the tokenizer's {@link Padder} (the one place padding is decided). */
    private static void padRow(Padder p, Encoder.Row row, int target, int r, int[][] ids, int[][] types, int[][] mask, int[][] special,
            int[] length) {
        ids[r] = p.inputIds(row.ids, target);
        if (types != null) types[r] = p.tokenTypeIds(row.typeIds, target);
        if (mask != null) mask[r] = p.attentionMask(row.attention, target);
        if (special != null) special[r] = p.specialTokensMask(row.special, target);
        if (length != null) length[r] = ids[r].length;
    }

    private static int[][] pairs(int[] flat) {
        int[][] out = new int[flat.length / 2][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[] {flat[2 * i], flat[2 * i + 1]};
        }
        return out;
    }

    private static String requireText(String text, int index) {
        if (text == null) {
            throw new BadInputException("text at index " + index + " is null; pass a string (use \"\" for an empty text)");
        }
        return text;
    }

    private static void checkTexts(String[] texts, String what) {
        for (int i = 0; i < texts.length; i++) {
            if (texts[i] == null) {
                throw new BadInputException(what + " at index " + i + " is null; pass a string (use \"\" for an empty text)");
            }
        }
    }

    // ---- data set path ---------------------------------------------------------------------

    /**
     * The function for {@code dataset.map(fn, batched=True)}: encodes {@code textColumn} straight
     * into int[][] columns input_ids, token_type_ids, attention_mask (and special_tokens_mask,
     * length when asked). Thread-safe; its fingerprint covers the tokenizer files and the options.
     */
    public BatchFunction mapFunction(String textColumn, EncodeOptions options) {
        return mapFunction(textColumn, null, options);
    }

    /** As {@link #mapFunction(String, EncodeOptions)} for text pairs (e.g. premise, hypothesis). */
    public BatchFunction mapFunction(String textColumn, String textPairColumn, EncodeOptions options) {
        if (options.returnOverflowingTokens() || options.returnOffsetsMapping()) {
            throw new BadInputException("a data set map cannot return_overflowing_tokens or return_offsets_mapping "
                    + "(they change the row count or are not int lists); turn them off for mapFunction");
        }
        String fingerprint = sha256(fingerprint(options) + "|map|" + textColumn + "|" + textPairColumn);
        return new BatchFunction() {
            @Override
            public Map<String, Column> apply(Map<String, Column> batch) {
                String[] texts = strings(batch, textColumn);
                String[] pairs = textPairColumn == null ? null : strings(batch, textPairColumn);
                return encodeColumns(texts, pairs, options);
            }

            @Override
            public String fingerprint() {
                return fingerprint;
            }
        };
    }

    private static String[] strings(Map<String, Column> batch, String name) {
        Column c = batch.get(name);
        if (c == null) {
            throw new BadInputException("no column '" + name + "' to tokenize; the data set has " + batch.keySet());
        }
        if (!(c instanceof Column.Strings s)) {
            throw new BadInputException("column '" + name + "' holds " + c.typeName() + ", not text; tokenize a string column");
        }
        String[] values = s.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new BadInputException("column '" + name + "' has no text at row " + i + " of this batch; fill or filter out empty rows first");
            }
        }
        return values;
    }

    /** Below this many rows a batch is encoded on the calling thread; above, in chunks on all cores. */
    static final int PARALLEL_CHUNK = 256;

    private Map<String, Column> encodeColumns(String[] texts, String[] pairs, EncodeOptions options) {
        Encoder.Fields fields = new Encoder.Fields(options.returnTokenTypeIds(), options.returnAttentionMask(),
                options.returnSpecialTokensMask(), false, false);
        Integer maxLength = truncationLength(options);
        int chunks = Math.min(Runtime.getRuntime().availableProcessors(), texts.length / PARALLEL_CHUNK);
        List<Encoder.Row> rows;
        if (chunks < 2) {
            rows = encoder.encode(texts, pairs, options, maxLength, fields);
        } else {
            // The native batch encode runs on the calling thread only: split the batch to use every core.
            int size = (texts.length + chunks - 1) / chunks;
            rows = java.util.stream.IntStream.range(0, chunks).parallel().mapToObj(c -> {
                int from = c * size;
                int to = Math.min(texts.length, from + size);
                return encoder.encode(Arrays.copyOfRange(texts, from, to),
                        pairs == null ? null : Arrays.copyOfRange(pairs, from, to), options, maxLength, fields);
            }).flatMap(List::stream).toList();
        }
        warnIfTooLong(rows);
        int target = padTarget(rows, options);
        Padder p = padder.withSide(options.paddingSide());
        int n = rows.size();
        int[][] ids = new int[n][];
        int[][] types = options.returnTokenTypeIds() ? new int[n][] : null;
        int[][] mask = options.returnAttentionMask() ? new int[n][] : null;
        int[][] special = options.returnSpecialTokensMask() ? new int[n][] : null;
        int[] length = options.returnLength() ? new int[n] : null;
        for (int r = 0; r < n; r++) {
            padRow(p, rows.get(r), target, r, ids, types, mask, special, length);
        }
        Map<String, Column> out = new LinkedHashMap<>();
        out.put(BatchEncoding.INPUT_IDS, new Column.IntLists(ids));
        if (types != null) out.put(BatchEncoding.TOKEN_TYPE_IDS, new Column.IntLists(types));
        if (mask != null) out.put(BatchEncoding.ATTENTION_MASK, new Column.IntLists(mask));
        if (special != null) out.put(BatchEncoding.SPECIAL_TOKENS_MASK, new Column.IntLists(special));
        if (length != null) out.put(BatchEncoding.LENGTH, new Column.Ints(length));
        return out;
    }

    // ---- tokens, ids, decoding -------------------------------------------------------------

    /** {@code tokenizer.tokenize(text)}: word pieces without special tokens. */
    public List<String> tokenize(String text) {
        long enc = TokenizersLibrary.LIB.encode(handles.plain(), requireText(text, 0), false);
        try {
            return List.of(TokenizersLibrary.LIB.getTokens(enc));
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(enc);
        }
    }

    /** {@code convert_tokens_to_ids}: unknown tokens map to the unk token's id. */
    public int[] convertTokensToIds(List<String> tokens) {
        Integer unk = unkTokenId();
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            Integer id = vocab.get(tokens.get(i));
            if (id == null) {
                if (unk == null) {
                    throw new BadInputException("token '" + tokens.get(i) + "' is not in the vocabulary and the tokenizer has no unk_token");
                }
                id = unk;
            }
            out[i] = id;
        }
        return out;
    }

    /** {@code convert_ids_to_tokens}. */
    public List<String> convertIdsToTokens(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
                throw new BadInputException("token id " + id + " is outside the vocabulary (size " + idToToken.length + ")");
            }
            out.add(idToToken[id]);
        }
        return out;
    }

    /** {@code decode(ids, skip_special_tokens)}, with BERT's clean-up of tokenization spaces. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        String text = TokenizersLibrary.LIB.decode(handles.plain(), l, skipSpecialTokens);
        return folder.config().path("clean_up_tokenization_spaces").asBoolean(true) ? cleanUpTokenization(text) : text;
    }

    /** HF's {@code clean_up_tokenization}: applied to the whole string after the native decoder. */
    static String cleanUpTokenization(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** {@code convert_tokens_to_string}: the native decoder joins the pieces (## continuations glued), no clean-up. */
    public String convertTokensToString(List<String> tokens) {
        int[] ids = convertTokensToIds(tokens);
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return TokenizersLibrary.LIB.decode(handles.plain(), l, false);
    }

    /** {@code num_special_tokens_to_add(pair)}: the special tokens encode adds to one text (2 for BERT) or a pair (3). */
    public int numSpecialTokensToAdd(boolean pair) {
        EncodeOptions o = EncodeOptions.builder().returnSpecialTokensMask(true).build();
        int[] mask = (pair ? encode("a", "a", o) : encode("a", o)).specialTokensMask()[0];
        return java.util.Arrays.stream(mask).sum();
    }

    /** {@code get_vocab()} / {@code vocab}: token → id, added tokens included. */
    public Map<String, Integer> vocab() {
        return java.util.Collections.unmodifiableMap(vocab);
    }

    /** {@code all_special_tokens}: the special token strings in HF's attribute order (bos, eos, unk, sep, pad, cls, mask). */
    public List<String> allSpecialTokens() {
        List<String> out = new ArrayList<>();
        for (String attr : List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")) {
            String t = specialTokens.get(attr);
            if (t != null && !out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** HF's {@code vocab_size}: the model's vocabulary without added tokens. */
    public int vocabSize() {
        return modelVocabSize;
    }

    /** HF's {@code model_max_length} (Integer.MAX_VALUE when the files set none). */
    public int modelMaxLength() {
        return modelMaxLength;
    }

    /**
     * HF's {@code tokenizer.model_max_length = n}, as a copy: what {@link #savePretrained} writes, and the default
     * length of pipelines that load the saved folder (training saves the max_seq_length the model was trained with).
     * The copy shares this tokenizer's native tokenizers; close both.
     */
    public AutoTokenizer withModelMaxLength(int n) {
        if (n < 1) {
            throw new BadInputException("model_max_length must be at least 1, got " + n);
        }
        return new AutoTokenizer(this, n, truncationSide);
    }

    /**
     * HF's {@code truncation_side} (tokenizer_config.json; right unless the files say otherwise): the side that
     * pipelines, predict, serve and evaluate cut when no truncation side is given explicitly.
     */
    public EncodeOptions.Side truncationSide() {
        return truncationSide;
    }

    /**
     * HF's {@code tokenizer.truncation_side = "left"}, as a copy: saved into tokenizer_config.json by
     * {@link #savePretrained}. The copy shares this tokenizer's native tokenizers; close both.
     */
    public AutoTokenizer withTruncationSide(EncodeOptions.Side side) {
        return new AutoTokenizer(this, modelMaxLength, java.util.Objects.requireNonNull(side));
    }

    /** Special token strings by HF attribute name (cls_token, mask_token, pad_token, sep_token, unk_token). */
    public Map<String, String> specialTokensMap() {
        return Map.copyOf(specialTokens);
    }

    public String clsToken() { return specialTokens.get("cls_token"); }
    public String sepToken() { return specialTokens.get("sep_token"); }
    public String padToken() { return specialTokens.get("pad_token"); }
    public String unkToken() { return specialTokens.get("unk_token"); }
    public String maskToken() { return specialTokens.get("mask_token"); }
    /** Null when the tokenizer has no such token, as in HF. */
    public Integer clsTokenId() { return idOf(clsToken()); }
    public Integer sepTokenId() { return idOf(sepToken()); }
    public Integer padTokenId() { return idOf(padToken()); }
    public Integer unkTokenId() { return idOf(unkToken()); }
    public Integer maskTokenId() { return idOf(maskToken()); }

    private Integer idOf(String token) {
        return token == null ? null : vocab.get(token);
    }

    /**
     * How this tokenizer pads: the pad token's id (0 when it has none), pad_token_type_id and the
     * padding_side of tokenizer_config.json (right unless it says left). The collator and the
     * pipelines pad batches with it.
     */
    public Padder padder() {
        return padder;
    }

    // ---- files -----------------------------------------------------------------------------

    /** The folder the tokenizer files were read from (a temporary one for a read-only vocab.txt folder). */
    public Path directory() {
        return folder.dir();
    }

    /**
     * {@code save_pretrained(dir)}: tokenizer.json, tokenizer_config.json (with the current truncation_side and
     * model_max_length, as HF writes them), special_tokens_map.json (and vocab.txt when there is one).
     */
    public void savePretrained(Path dir) {
        Path src = folder.dir();
        AtomicFiles.writeFile(dir.resolve(BertTokenizerFiles.TOKENIZER_JSON), p -> Files.write(p, folder.tokenizerJson()));
        List<String> copied = new ArrayList<>(List.of(BertTokenizerFiles.SPECIAL_TOKENS_MAP, BertTokenizerFiles.VOCAB));
        if (truncationSide == folder.truncationSide() && modelMaxLength == folder.modelMaxLength()) {
            copied.add(0, BertTokenizerFiles.TOKENIZER_CONFIG); // unchanged: the same bytes (and fingerprint)
        } else {
            Map<String, Object> changes = new LinkedHashMap<>();
            changes.put("truncation_side", truncationSide.name().toLowerCase(java.util.Locale.ROOT));
            if (modelMaxLength != Integer.MAX_VALUE) {
                changes.put("model_max_length", modelMaxLength);
            }
            byte[] config = folder.configWith(changes);
            AtomicFiles.writeFile(dir.resolve(BertTokenizerFiles.TOKENIZER_CONFIG), p -> Files.write(p, config));
        }
        for (String name : copied) {
            Path file = src.resolve(name);
            if (Files.isRegularFile(file) && !file.toAbsolutePath().normalize().equals(dir.resolve(name).toAbsolutePath().normalize())) {
                AtomicFiles.writeFile(dir.resolve(name), p -> Files.copy(file, p));
            }
        }
    }

    /** SHA-256 over tokenizer.json and tokenizer_config.json: changes whenever the tokenization could. */
    public String fingerprint() {
        return sha256("");
    }

    /** SHA-256 over the tokenizer files and every encoding option: the cache key of a tokenized data set. */
    public String fingerprint(EncodeOptions options) {
        return sha256(options.describe());
    }

    private String sha256(String extra) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(folder.tokenizerJson());
            md.update((byte) 0);
            md.update(folder.tokenizerConfig());
            md.update((byte) 0);
            md.update(extra.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Frees the native tokenizers once every instance sharing them is closed; closing twice does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            handles.close();
        }
    }
}
