package io.finetune4j.tokenize;

import java.util.Arrays;

/**
 * How a tokenizer pads, as HF's {@code tokenizer.pad} does: input_ids with the pad token's id (0 for
 * BERT, 1 for RoBERTa), token_type_ids with {@code pad_token_type_id}, attention_mask with 0 and
 * special_tokens_mask with 1, on the tokenizer's {@code padding_side}. Built once from the tokenizer
 * files ({@link AutoTokenizer#padder()}); the tokenizer's own padding, the Trainer's collator and the
 * pipeline all pad through it, so the pad id is known in one place.
 *
 * @param padTokenId     id written into input_ids past the text
 * @param padTokenTypeId id written into token_type_ids past the text
 * @param side           which end the padding goes to
 */
public record Padder(int padTokenId, int padTokenTypeId, EncodeOptions.Side side) {
    /** BERT's: [PAD] = 0 on the right. For tokenizers without files (tests, hand-built ids). */
    public static final Padder BERT = new Padder(0, 0, EncodeOptions.Side.RIGHT);

    public Padder {
        if (side == null) {
            throw new IllegalArgumentException("padding side is null");
        }
    }

    public Padder withSide(EncodeOptions.Side value) {
        return value == null || value == side ? this : new Padder(padTokenId, padTokenTypeId, value);
    }

    public boolean left() {
        return side == EncodeOptions.Side.LEFT;
    }

    /** input_ids padded to {@code target} (unchanged when already that long, or when target < 0: no padding). */
    public int[] inputIds(int[] ids, int target) {
        return pad(ids, target, padTokenId);
    }

    public int[] tokenTypeIds(int[] types, int target) {
        return pad(types, target, padTokenTypeId);
    }

    public int[] attentionMask(int[] mask, int target) {
        return pad(mask, target, 0);
    }

    public int[] specialTokensMask(int[] mask, int target) {
        return pad(mask, target, 1);
    }

    /** Offsets are flattened pairs: {@code target} pairs of (0, 0). */
    int[] offsets(int[] flat, int target) {
        return target < 0 ? flat : pad(flat, target * 2, 0);
    }

    <T> T[] tokens(T[] tokens, int target, T padToken) {
        if (target < 0 || tokens.length >= target) {
            return tokens;
        }
        T[] out = Arrays.copyOf(tokens, target);
        int fill = target - tokens.length;
        Arrays.fill(out, padToken);
        System.arraycopy(tokens, 0, out, left() ? fill : 0, tokens.length);
        return out;
    }

    /**
     * Writes one row into the flat {@code [rows, width]} int64 arrays of a batch: ids, token types and
     * mask of the row, padding around them. {@code types} may be null (zeros), {@code mask} null (ones
     * over the row). Returns the row's real token count (its mask's ones).
     */
    public int fillRow(long[] batchIds, long[] batchTypes, long[] batchMask, int row, int width, int[] ids, int[] types, int[] mask) {
        if (ids.length > width) {
            throw new IllegalArgumentException("row of " + ids.length + " tokens does not fit a batch of width " + width);
        }
        int base = row * width;
        int start = left() ? width - ids.length : 0;
        int tokens = 0;
        for (int j = 0; j < width; j++) {
            int k = j - start;
            if (k >= 0 && k < ids.length) {
                batchIds[base + j] = ids[k];
                batchTypes[base + j] = types == null ? 0 : types[k];
                int m = mask == null ? 1 : mask[k];
                batchMask[base + j] = m;
                tokens += m;
            } else {
                batchIds[base + j] = padTokenId;
                batchTypes[base + j] = padTokenTypeId;
                batchMask[base + j] = 0;
            }
        }
        return tokens;
    }

    private int[] pad(int[] values, int target, int value) {
        if (target < 0 || values.length >= target) {
            return values;
        }
        int[] out = new int[target];
        int fill = target - values.length;
        if (left()) {
            Arrays.fill(out, 0, fill, value);
            System.arraycopy(values, 0, out, fill, values.length);
        } else {
            System.arraycopy(values, 0, out, 0, values.length);
            Arrays.fill(out, values.length, target, value);
        }
        return out;
    }
}
