package io.finetune4j.tokenize;

import io.finetune4j.BadInputException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The options of HF's {@code tokenizer(text, ...)} call, with HF's defaults: no truncation, no
 * padding, token type ids and attention mask returned. Built with {@link #builder()}; the seed's
 * call is {@code EncodeOptions.builder().truncation(true).padding(Padding.MAX_LENGTH).maxLength(160).build()}.
 */
public record EncodeOptions(
        Truncation truncation,
        Padding padding,
        Integer maxLength,
        int stride,
        Integer padToMultipleOf,
        boolean addSpecialTokens,
        boolean returnOverflowingTokens,
        boolean returnTokenTypeIds,
        boolean returnAttentionMask,
        boolean returnSpecialTokensMask,
        boolean returnOffsetsMapping,
        boolean returnLength,
        Side paddingSide,
        Side truncationSide) {

    /** HF truncation strategies; {@code truncation=True} is {@link #LONGEST_FIRST}. */
    public enum Truncation {
        LONGEST_FIRST, ONLY_FIRST, ONLY_SECOND, DO_NOT_TRUNCATE;

        public String hfName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Accepts HF's names plus true/false and none. */
        public static Truncation parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "longest_first" -> LONGEST_FIRST;
                case "only_first" -> ONLY_FIRST;
                case "only_second" -> ONLY_SECOND;
                case "false", "none", "do_not_truncate" -> DO_NOT_TRUNCATE;
                default -> throw new BadInputException("unknown truncation '" + value
                        + "'; use longest_first, only_first, only_second or do_not_truncate");
            };
        }
    }

    /** HF padding strategies; {@code padding=True} is {@link #LONGEST}. */
    public enum Padding {
        LONGEST, MAX_LENGTH, DO_NOT_PAD;

        public String hfName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Padding parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "longest" -> LONGEST;
                case "max_length" -> MAX_LENGTH;
                case "false", "none", "do_not_pad" -> DO_NOT_PAD;
                default -> throw new BadInputException("unknown padding '" + value + "'; use max_length, longest or do_not_pad");
            };
        }
    }

    /** Where padding goes or where truncation cuts (HF's padding_side / truncation_side). */
    public enum Side {
        LEFT, RIGHT;

        public static Side parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "left" -> LEFT;
                case "right" -> RIGHT;
                default -> throw new BadInputException("unknown side '" + value + "'; use left or right");
            };
        }
    }

    public EncodeOptions {
        if (truncation == null || padding == null || truncationSide == null) {
            throw new BadInputException("encode options need truncation, padding and sides (use EncodeOptions.builder())");
        }
        if (maxLength != null && maxLength < 1) {
            throw new BadInputException("max_length must be at least 1, got " + maxLength);
        }
        if (stride < 0) {
            throw new BadInputException("stride must be >= 0, got " + stride);
        }
        if (padToMultipleOf != null && padToMultipleOf < 1) {
            throw new BadInputException("pad_to_multiple_of must be at least 1, got " + padToMultipleOf);
        }
    }

    /** HF's defaults: {@code tokenizer(text)}. */
    public static EncodeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.truncation = truncation;
        b.truncationSet = true;
        b.padding = padding;
        b.maxLength = maxLength;
        b.stride = stride;
        b.padToMultipleOf = padToMultipleOf;
        b.addSpecialTokens = addSpecialTokens;
        b.returnOverflowingTokens = returnOverflowingTokens;
        b.returnTokenTypeIds = returnTokenTypeIds;
        b.returnAttentionMask = returnAttentionMask;
        b.returnSpecialTokensMask = returnSpecialTokensMask;
        b.returnOffsetsMapping = returnOffsetsMapping;
        b.returnLength = returnLength;
        b.paddingSide = paddingSide;
        b.truncationSide = truncationSide;
        return b;
    }

    /** A stable one-line description (HF argument names) for fingerprints and logs. */
    public String describe() {
        return "truncation=" + truncation.hfName() + ",padding=" + padding.hfName() + ",max_length=" + maxLength
                + ",stride=" + stride + ",pad_to_multiple_of=" + padToMultipleOf + ",add_special_tokens=" + addSpecialTokens
                + ",return_overflowing_tokens=" + returnOverflowingTokens + ",return_token_type_ids=" + returnTokenTypeIds
                + ",return_attention_mask=" + returnAttentionMask + ",return_special_tokens_mask=" + returnSpecialTokensMask
                + ",return_offsets_mapping=" + returnOffsetsMapping + ",return_length=" + returnLength
                + ",padding_side=" + (paddingSide == null ? "tokenizer" : paddingSide.name().toLowerCase(Locale.ROOT))
                + ",truncation_side=" + truncationSide.name().toLowerCase(Locale.ROOT);
    }

    public static final class Builder {
        private Truncation truncation = Truncation.DO_NOT_TRUNCATE;
        private Padding padding = Padding.DO_NOT_PAD;
        private Integer maxLength;
        private int stride;
        private Integer padToMultipleOf;
        private boolean addSpecialTokens = true;
        private boolean returnOverflowingTokens;
        private boolean returnTokenTypeIds = true;
        private boolean returnAttentionMask = true;
        private boolean returnSpecialTokensMask;
        private boolean returnOffsetsMapping;
        private boolean returnLength;
        /** Null: the tokenizer's padding_side (tokenizer_config.json), as HF does without a per-call padding_side. */
        private Side paddingSide = null;
        private Side truncationSide = Side.RIGHT;
        private boolean truncationSet;

        private Builder() {}

        public Builder truncation(Truncation value) { this.truncation = value; this.truncationSet = true; return this; }
        /** {@code truncation=True} (longest_first) or {@code False}. */
        public Builder truncation(boolean value) { return truncation(value ? Truncation.LONGEST_FIRST : Truncation.DO_NOT_TRUNCATE); }
        public Builder padding(Padding value) { this.padding = value; return this; }
        /** {@code padding=True} (longest) or {@code False}. */
        public Builder padding(boolean value) { return padding(value ? Padding.LONGEST : Padding.DO_NOT_PAD); }
        public Builder maxLength(Integer value) { this.maxLength = value; return this; }
        public Builder stride(int value) { this.stride = value; return this; }
        public Builder padToMultipleOf(Integer value) { this.padToMultipleOf = value; return this; }
        public Builder addSpecialTokens(boolean value) { this.addSpecialTokens = value; return this; }
        public Builder returnOverflowingTokens(boolean value) { this.returnOverflowingTokens = value; return this; }
        public Builder returnTokenTypeIds(boolean value) { this.returnTokenTypeIds = value; return this; }
        public Builder returnAttentionMask(boolean value) { this.returnAttentionMask = value; return this; }
        public Builder returnSpecialTokensMask(boolean value) { this.returnSpecialTokensMask = value; return this; }
        public Builder returnOffsetsMapping(boolean value) { this.returnOffsetsMapping = value; return this; }
        public Builder returnLength(boolean value) { this.returnLength = value; return this; }
        public Builder paddingSide(Side value) { this.paddingSide = value; return this; }
        public Builder truncationSide(Side value) { this.truncationSide = value; return this; }

        public EncodeOptions build() {
            Truncation truncation = this.truncation;
            if (!truncationSet && maxLength != null && padding == Padding.DO_NOT_PAD) {
                // HF does the same when truncation is left unset (None) but max_length is given
                LoggerFactory.getLogger(EncodeOptions.class).warn("Truncation was not explicitly activated but `max_length` is provided a specific value, "
                        + "please use `truncation=True` to explicitly truncate examples to max length. Defaulting to 'longest_first' truncation strategy.");
                truncation = Truncation.LONGEST_FIRST;
            }
            return new EncodeOptions(truncation, padding, maxLength, stride, padToMultipleOf, addSpecialTokens,
                    returnOverflowingTokens, returnTokenTypeIds, returnAttentionMask, returnSpecialTokensMask,
                    returnOffsetsMapping, returnLength, paddingSide, truncationSide);
        }
    }
}
