package io.finetune4j.tokenize;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import io.finetune4j.BadInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes texts through the native tokenizer's JNI (no DJL {@code Encoding} objects) into unpadded
 * rows, then pads them in Java. With right-side truncation and no overflow only the first
 * {@code max_length} tokens survive, and the native tokenizer still encodes the whole text first;
 * so a long text is first encoded from a prefix cut at whitespace (see {@link #prefixEnd}), which
 * gives the same tokens whenever the prefix alone already fills {@code max_length}.
 */
final class Encoder {
    /**
     * Characters of prefix per wanted token. Measured on the 25k IMDB train reviews at 160 tokens
     * (CPU time): 4 retries too often, 5 is fastest, 6 and 8 encode more text than needed.
     */
    static final int PREFIX_CHARS_PER_TOKEN = 5;

    /** What to read back from each native encoding. */
    record Fields(boolean typeIds, boolean attention, boolean special, boolean offsets, boolean tokens, boolean zeroTypeIds) {
        Fields(boolean typeIds, boolean attention, boolean special, boolean offsets, boolean tokens) {
            this(typeIds, attention, special, offsets, tokens, false);
        }

        Fields withZeroTypeIds(boolean zero) {
            return new Fields(typeIds, attention, special, offsets, tokens, zero);
        }
    }

    /** One encoded sequence, unpadded. */
    static final class Row {
        int sample;
        int[] ids;
        int[] typeIds;
        int[] attention;
        int[] special;
        int[] offsets; // start, end pairs
        String[] tokens;
    }

    private final NativeHandles handles;
    private final boolean prefixCut;

    Encoder(NativeHandles handles, boolean prefixCut) {
        this.handles = handles;
        this.prefixCut = prefixCut;
    }

    /**
     * Encodes {@code texts} (with {@code pairs} when not null) truncated as {@code options} say,
     * with {@code maxLength} already resolved (null: no truncation). Overflow windows follow their
     * text when {@code options.returnOverflowingTokens()}.
     */
    List<Row> encode(String[] texts, String[] pairs, EncodeOptions options, Integer maxLength, Fields fields) {
        boolean special = options.addSpecialTokens();
        if (maxLength != null) {
            checkTruncation(texts, pairs, options, maxLength);
        }
        long handle = handles.handle(maxLength, options.truncation(), options.stride(), options.truncationSide());
        fields = fields.withZeroTypeIds(pairs == null && singleTypeIdsAreZero());
        if (prefixCut && pairs == null && maxLength != null && options.truncationSide() == EncodeOptions.Side.RIGHT
                && !options.returnOverflowingTokens()) {
            return encodeWithPrefixes(handle, texts, maxLength, special, fields);
        }
        long[] encodings = batch(handle, texts, pairs, special);
        boolean[] hfSplit = pairs != null && maxLength != null && special && options.truncation() == EncodeOptions.Truncation.LONGEST_FIRST
                && !options.returnOverflowingTokens() ? bothOverBudget(texts, pairs, maxLength - specialCount(true)) : null;
        List<Row> rows = new ArrayList<>(texts.length);
        for (int i = 0; i < encodings.length; i++) {
            if (hfSplit != null && hfSplit[i]) {
                rows.add(hfLongestFirst(texts[i], pairs[i], i, maxLength - specialCount(true), options.truncationSide(), fields));
                TokenizersLibrary.LIB.deleteEncoding(encodings[i]);
                continue;
            }
            rows.add(read(encodings[i], i, fields));
            if (options.returnOverflowingTokens()) {
                for (long overflow : TokenizersLibrary.LIB.getOverflowing(encodings[i])) {
                    rows.add(read(overflow, i, fields));
                    TokenizersLibrary.LIB.deleteEncoding(overflow);
                }
            }
            TokenizersLibrary.LIB.deleteEncoding(encodings[i]);
        }
        return rows;
    }

    /**
     * The native library aborts the whole JVM (a Rust panic across JNI) on truncation it cannot do,
     * so those cases are found here first and reported as HF raises them.
     */
    private void checkTruncation(String[] texts, String[] pairs, EncodeOptions options, int maxLength) {
        boolean special = options.addSpecialTokens();
        int stride = options.stride();
        EncodeOptions.Truncation strategy = options.truncation();
        if (pairs == null && strategy == EncodeOptions.Truncation.ONLY_SECOND) {
            throw new BadInputException("truncation only_second needs text pairs, but only single texts were given; use longest_first or only_first");
        }
        int content = maxLength - (special ? specialCount(pairs != null) : 0);
        if (content <= stride) {
            throw new BadInputException("max_length " + maxLength + " leaves " + Math.max(content, 0) + " tokens for text after the special tokens, "
                    + "which must be more than stride " + stride + "; raise max_length or lower stride");
        }
        if (pairs == null) {
            return;
        }
        if (strategy == EncodeOptions.Truncation.LONGEST_FIRST && stride > 0 && content / 2 <= stride) {
            throw new BadInputException("with text pairs and longest_first each text may be cut to " + content / 2
                    + " tokens, which must be more than stride " + stride + "; raise max_length or lower stride");
        }
        if (strategy == EncodeOptions.Truncation.ONLY_FIRST || strategy == EncodeOptions.Truncation.ONLY_SECOND) {
            long plain = handles.plain();
            long[] encodings = TokenizersLibrary.LIB.batchEncodePair(plain, texts, pairs, false);
            String problem = null;
            for (int i = 0; i < encodings.length; i++) {
                if (problem == null) {
                    long[] seq = TokenizersLibrary.LIB.getSequenceIds(encodings[i]);
                    int first = 0;
                    for (long s : seq) {
                        if (s == 0) first++;
                    }
                    int second = seq.length - first;
                    int toRemove = first + second - content;
                    int target = strategy == EncodeOptions.Truncation.ONLY_FIRST ? first : second;
                    if (toRemove > 0 && target - toRemove <= stride) {
                        problem = "pair " + i + ": truncation " + strategy.hfName() + " would have to remove " + toRemove
                                + " tokens from a text of " + target + (stride > 0 ? " and keep more than stride " + stride : "")
                                + "; use longest_first or a larger max_length";
                    }
                }
                TokenizersLibrary.LIB.deleteEncoding(encodings[i]);
            }
            if (problem != null) {
                throw new BadInputException(problem);
            }
        }
    }

    private volatile Boolean singleZero;

    /**
     * Whether every single-text encoding has type ids all 0. The post-processor gives one type id
     * to the text and fixed ones to the special tokens, so one encoding tells for all.
     */
    private boolean singleTypeIdsAreZero() {
        Boolean zero = singleZero;
        if (zero == null) {
            long enc = TokenizersLibrary.LIB.encode(handles.plain(), "a", true);
            zero = Arrays.stream(TokenizersLibrary.LIB.getTypeIds(enc)).allMatch(t -> t == 0);
            TokenizersLibrary.LIB.deleteEncoding(enc);
            singleZero = zero;
        }
        return zero;
    }

    private volatile int[] specialCounts;

    /** How many special tokens the post-processor adds to a single text and to a pair. */
    private int specialCount(boolean pair) {
        int[] counts = specialCounts;
        if (counts == null) {
            long plain = handles.plain();
            long single = TokenizersLibrary.LIB.encode(plain, "", true);
            long dual = TokenizersLibrary.LIB.encodeDual(plain, "", "", true);
            counts = new int[] {TokenizersLibrary.LIB.getTokenIds(single).length, TokenizersLibrary.LIB.getTokenIds(dual).length};
            TokenizersLibrary.LIB.deleteEncoding(single);
            TokenizersLibrary.LIB.deleteEncoding(dual);
            specialCounts = counts;
        }
        return counts[pair ? 1 : 0];
    }

    private List<Row> encodeWithPrefixes(long handle, String[] texts, int maxLength, boolean special, Fields fields) {
        Row[] rows = new Row[texts.length];
        int[] pending = new int[texts.length];
        for (int i = 0; i < texts.length; i++) {
            pending[i] = i;
        }
        int pendingCount = texts.length;
        long budget = (long) maxLength * PREFIX_CHARS_PER_TOKEN;
        while (pendingCount > 0) {
            String[] inputs = new String[pendingCount];
            boolean[] whole = new boolean[pendingCount];
            for (int k = 0; k < pendingCount; k++) {
                String text = texts[pending[k]];
                int end = prefixEnd(text, budget);
                whole[k] = end == text.length();
                inputs[k] = whole[k] ? text : text.substring(0, end);
            }
            long[] encodings = batch(handle, inputs, null, special);
            int next = 0;
            for (int k = 0; k < pendingCount; k++) {
                Row row = read(encodings[k], pending[k], fields);
                TokenizersLibrary.LIB.deleteEncoding(encodings[k]);
                if (whole[k] || row.ids.length >= maxLength) {
                    rows[pending[k]] = row;
                } else {
                    pending[next++] = pending[k]; // prefix too short to fill max_length: try a longer one
                }
            }
            pendingCount = next;
            budget *= 4;
        }
        return Arrays.asList(rows);
    }

    /**
     * Where to cut {@code text} so that it keeps at most {@code budget} characters: just before an
     * ASCII whitespace character, which BERT's pre-tokenizer always splits on, so every word of the
     * prefix is a whole word of the text and is tokenized the same. Returns the text's length when
     * it is short enough or has no whitespace to cut at.
     */
    static int prefixEnd(String text, long budget) {
        if (text.length() <= budget) {
            return text.length();
        }
        for (int i = (int) budget; i > 0; i--) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
                return i;
            }
        }
        return text.length();
    }

    /**
     * Pairs whose texts both exceed the budget (max_length minus special tokens) while the first is the longer:
     * there the tokenizers library gives the odd token to the first text, HF's tokenizer (transformers 5.17,
     * tests/fixtures/tokenizer_parity.json) to the second.
     */
    private boolean[] bothOverBudget(String[] texts, String[] pairs, int budget) {
        if (budget % 2 == 0) {
            return null; // an even budget splits evenly either way
        }
        long[] plain = TokenizersLibrary.LIB.batchEncodePair(handles.plain(), texts, pairs, false);
        boolean[] out = new boolean[texts.length];
        boolean any = false;
        for (int i = 0; i < plain.length; i++) {
            long[] seq = TokenizersLibrary.LIB.getSequenceIds(plain[i]);
            int first = 0;
            for (long v : seq) {
                if (v == 0) first++;
            }
            int second = seq.length - first;
            out[i] = Math.min(first, second) > budget && first > second;
            any |= out[i];
            TokenizersLibrary.LIB.deleteEncoding(plain[i]);
        }
        return any ? out : null;
    }

    /** HF's longest_first split for such a pair: budget/2 tokens of the first text, the rest of the second. */
    private Row hfLongestFirst(String text, String pair, int sample, int budget, EncodeOptions.Side side, Fields fields) {
        long enc = TokenizersLibrary.LIB.batchEncodePair(handles.plain(), new String[] {text}, new String[] {pair}, true)[0];
        try {
            Row full = read(enc, sample, fields);
            long[] seq = TokenizersLibrary.LIB.getSequenceIds(enc);
            long[] special = TokenizersLibrary.LIB.getSpecialTokenMask(enc);
            int[] count = new int[2];
            for (int t = 0; t < seq.length; t++) {
                if (special[t] == 0 && seq[t] >= 0 && seq[t] <= 1) {
                    count[(int) seq[t]]++;
                }
            }
            int[] keep = {budget / 2, budget - budget / 2};
            int[] seen = new int[2];
            List<Integer> kept = new ArrayList<>();
            for (int t = 0; t < seq.length; t++) {
                if (special[t] != 0 || seq[t] < 0 || seq[t] > 1) {
                    kept.add(t);
                    continue;
                }
                int s = (int) seq[t];
                int k = seen[s]++;
                boolean in = side == EncodeOptions.Side.RIGHT ? k < keep[s] : k >= count[s] - keep[s];
                if (in) {
                    kept.add(t);
                }
            }
            return select(full, kept);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(enc);
        }
    }

    private static Row select(Row full, List<Integer> kept) {
        Row r = new Row();
        r.sample = full.sample;
        r.ids = pick(full.ids, kept);
        r.typeIds = full.typeIds == null ? null : pick(full.typeIds, kept);
        r.attention = full.attention == null ? null : pick(full.attention, kept);
        r.special = full.special == null ? null : pick(full.special, kept);
        if (full.offsets != null) {
            r.offsets = new int[kept.size() * 2];
            for (int i = 0; i < kept.size(); i++) {
                r.offsets[2 * i] = full.offsets[2 * kept.get(i)];
                r.offsets[2 * i + 1] = full.offsets[2 * kept.get(i) + 1];
            }
        }
        if (full.tokens != null) {
            r.tokens = new String[kept.size()];
            for (int i = 0; i < kept.size(); i++) {
                r.tokens[i] = full.tokens[kept.get(i)];
            }
        }
        return r;
    }

    private static int[] pick(int[] a, List<Integer> kept) {
        int[] out = new int[kept.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a[kept.get(i)];
        }
        return out;
    }

    private static long[] batch(long handle, String[] texts, String[] pairs, boolean special) {
        try {
            return pairs == null
                    ? TokenizersLibrary.LIB.batchEncode(handle, texts, special)
                    : TokenizersLibrary.LIB.batchEncodePair(handle, texts, pairs, special);
        } catch (RuntimeException e) {
            // The native side reports truncation that cannot be done (e.g. only_second on a short second text).
            throw new BadInputException("the tokenizer could not encode this input: " + e.getMessage()
                    + "; choose another truncation strategy or a larger max_length", e);
        }
    }

    private static Row read(long encoding, int sample, Fields fields) {
        TokenizersLibrary lib = TokenizersLibrary.LIB;
        Row row = new Row();
        row.sample = sample;
        row.ids = toInts(lib.getTokenIds(encoding));
        if (fields.typeIds()) {
            row.typeIds = fields.zeroTypeIds() ? new int[row.ids.length] : toInts(lib.getTypeIds(encoding));
        }
        if (fields.attention()) {
            // padding is never on in the native tokenizer, so its mask is all ones: no JNI call needed
            row.attention = new int[row.ids.length];
            Arrays.fill(row.attention, 1);
        }
        if (fields.special()) {
            row.special = toInts(lib.getSpecialTokenMask(encoding));
        }
        if (fields.offsets()) {
            CharSpan[] spans = lib.getTokenCharSpans(encoding);
            int[] offsets = new int[spans.length * 2];
            for (int t = 0; t < spans.length; t++) {
                // special tokens have no span in the text: HF reports (0, 0)
                offsets[2 * t] = spans[t] == null ? 0 : spans[t].getStart();
                offsets[2 * t + 1] = spans[t] == null ? 0 : spans[t].getEnd();
            }
            row.offsets = offsets;
        }
        if (fields.tokens()) {
            row.tokens = lib.getTokens(encoding);
        }
        return row;
    }

    static int[] toInts(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }
}
