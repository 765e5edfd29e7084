package io.finetune4j.tokenize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What HF's {@code tokenizer(...)} returns, one row per encoded sequence (one per text, more with
 * {@code return_overflowing_tokens}), under HF's keys: {@code input_ids}, {@code token_type_ids},
 * {@code attention_mask}, {@code special_tokens_mask} (int[row][token]), {@code offset_mapping}
 * (int[row][token][2]), {@code length} and {@code overflow_to_sample_mapping} (int[row]).
 *
 * <p>Offsets count Unicode code points, as HF's (Python string indices) do; they equal Java
 * String indices unless the text holds characters outside the BMP (emoji): then convert with
 * {@code text.offsetByCodePoints(0, offset)}. Special and padding tokens have offsets (0, 0).
 */
public final class BatchEncoding {
    public static final String INPUT_IDS = "input_ids";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String SPECIAL_TOKENS_MASK = "special_tokens_mask";
    public static final String OFFSET_MAPPING = "offset_mapping";
    public static final String LENGTH = "length";
    public static final String OVERFLOW_TO_SAMPLE_MAPPING = "overflow_to_sample_mapping";

    private final Map<String, int[][]> sequences;
    private final int[][][] offsetMapping;
    private final int[] length;
    private final int[] overflowToSampleMapping;
    private final List<String[]> tokens;

    BatchEncoding(Map<String, int[][]> sequences, int[][][] offsetMapping, int[] length,
                  int[] overflowToSampleMapping, List<String[]> tokens) {
        this.sequences = Collections.unmodifiableMap(new LinkedHashMap<>(sequences));
        this.offsetMapping = offsetMapping;
        this.length = length;
        this.overflowToSampleMapping = overflowToSampleMapping;
        this.tokens = List.copyOf(tokens);
    }

    /** Number of rows (encoded sequences). */
    public int size() {
        return sequences.get(INPUT_IDS).length;
    }

    /** The keys present, in HF's order. */
    public Set<String> keys() {
        Map<String, Object> all = toMap();
        return all.keySet();
    }

    /** A per-token key (input_ids, token_type_ids, attention_mask, special_tokens_mask), or null if not returned. */
    public int[][] get(String key) {
        return sequences.get(key);
    }

    public int[][] inputIds() {
        return sequences.get(INPUT_IDS);
    }

    /** Null unless {@code return_token_type_ids}. */
    public int[][] tokenTypeIds() {
        return sequences.get(TOKEN_TYPE_IDS);
    }

    /** Null unless {@code return_attention_mask}. */
    public int[][] attentionMask() {
        return sequences.get(ATTENTION_MASK);
    }

    /** Null unless {@code return_special_tokens_mask}. */
    public int[][] specialTokensMask() {
        return sequences.get(SPECIAL_TOKENS_MASK);
    }

    /** [row][token] = {start, end} character offsets; null unless {@code return_offsets_mapping}. */
    public int[][][] offsetMapping() {
        return offsetMapping;
    }

    /** Null unless {@code return_length}. */
    public int[] length() {
        return length;
    }

    /** Which input text each row came from; null unless {@code return_overflowing_tokens}. */
    public int[] overflowToSampleMapping() {
        return overflowToSampleMapping;
    }

    /** The token strings of a row (HF's {@code encodings[row].tokens}), padding included. */
    public String[] tokens(int row) {
        return tokens.get(row);
    }

    /** All returned keys with their arrays, in HF's order (for JSON output). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(sequences);
        if (offsetMapping != null) {
            m.put(OFFSET_MAPPING, offsetMapping);
        }
        if (length != null) {
            m.put(LENGTH, length);
        }
        if (overflowToSampleMapping != null) {
            m.put(OVERFLOW_TO_SAMPLE_MAPPING, overflowToSampleMapping);
        }
        return m;
    }
}
