package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.data.Column;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.tokenize.EncodeOptions.Padding;
import io.finetune4j.tokenize.Padder;

/**
 * HF's DataCollatorWithPadding: gathers rows into int64 tensors {@code [batch, length]} padded as the
 * tokenizer pads ({@link Padder}: its pad id, e.g. 1 for RoBERTa, and its padding side; mask 0), to
 * the longest row of the batch or to a fixed max_length (the tokenizer's {@link Padding}: {@code longest} or
 * {@code max_length}; a batch cannot go unpadded).
 */
public final class DataCollatorWithPadding {
    /**
     * One batch on the model's device; {@code labels} is null without a labels column, int64 class ids or float32
     * targets; {@code labelIds} holds the class ids on the heap (null for float targets).
     */
    public record Batch(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels, int[] labelIds, int[] rows, long tokens) {
        public int size() {
            return rows.length;
        }
    }

    private final Padder padder;
    private final Padding padding;
    private final int maxLength;

    public DataCollatorWithPadding(Padder padder, Padding padding, int maxLength) {
        if (padding == Padding.DO_NOT_PAD) {
            throw new BadInputException("a batch is padded to one width: use padding longest or max_length, not do_not_pad");
        }
        if (padding == Padding.MAX_LENGTH && maxLength <= 0) {
            throw new BadInputException("padding max_length needs max_length > 0, got " + maxLength);
        }
        this.padder = padder;
        this.padding = padding;
        this.maxLength = maxLength;
    }

    /** Pads on the right with {@code padTokenId} (token type 0). */
    public DataCollatorWithPadding(int padTokenId, Padding padding, int maxLength) {
        this(new Padder(padTokenId, 0, EncodeOptions.Side.RIGHT), padding, maxLength);
    }

    /** HF's {@code DataCollatorWithPadding(tokenizer)}: pads as the tokenizer does. */
    public static DataCollatorWithPadding of(AutoTokenizer tokenizer, Padding padding, int maxLength) {
        return new DataCollatorWithPadding(tokenizer.padder(), padding, maxLength);
    }

    /** Pads to the longest row with pad id 0 (BERT's [PAD]); use {@link #of} for other tokenizers. */
    public static DataCollatorWithPadding longest() {
        return new DataCollatorWithPadding(Padder.BERT, Padding.LONGEST, 0);
    }

    public static DataCollatorWithPadding maxLength(int maxLength) {
        return new DataCollatorWithPadding(Padder.BERT, Padding.MAX_LENGTH, maxLength);
    }

    /** Longest or max_length: the width each batch is padded to. */
    public Padding padding() {
        return padding;
    }

    /** The padding rule of this collator. */
    public Padder padder() {
        return padder;
    }

    /**
     * A padded batch still on the Java heap: what a data-loader thread prepares ahead of the training step. Labels
     * are class ids ({@code labels}, int64) or float targets ({@code targets}: {@code [batch]} when
     * {@code targetWidth} is 0, else {@code [batch, targetWidth]}: regression or multi-hot vectors).
     */
    public record HostBatch(long[] inputIds, long[] tokenTypeIds, long[] attentionMask, long[] labels, int[] labelIds, int[] rows,
            int width, long tokens, float[] targets, int targetWidth) {
        /** A batch with class-id labels (or none). */
        public HostBatch(long[] inputIds, long[] tokenTypeIds, long[] attentionMask, long[] labels, int[] labelIds, int[] rows,
                int width, long tokens) {
            this(inputIds, tokenTypeIds, attentionMask, labels, labelIds, rows, width, tokens, null, 0);
        }

        /** Copies the batch to {@code device} (tensors of the current {@link io.finetune4j.torch.Scope}). */
        public Batch toDevice(Device device) {
            long n = rows.length;
            Tensor l = targets != null ? Tensor.of(targets, targetWidth == 0 ? new long[] {n} : new long[] {n, targetWidth})
                    : labels == null ? null : Tensor.of(labels);
            return new Batch(Tensor.of(inputIds, n, width).to(device), Tensor.of(tokenTypeIds, n, width).to(device),
                    Tensor.of(attentionMask, n, width).to(device), l == null ? null : l.to(device), labelIds, rows, tokens);
        }
    }

    /** Builds the batch of the given rows on {@code device} (in the current step's {@link io.finetune4j.torch.Scope}). */
    public Batch collate(EncodedColumns columns, int[] rows, Device device) {
        return prepare(columns, rows).toDevice(device);
    }

    /** Gathers and pads the rows into heap arrays (thread-safe: reads the columns only). */
    public HostBatch prepare(EncodedColumns columns, int[] rows) {
        int[][] ids = columns.inputIds().values();
        int longest = 0;
        for (int r : rows) {
            longest = Math.max(longest, ids[r].length);
        }
        int width = padding == Padding.MAX_LENGTH ? maxLength : longest;
        if (width < longest) {
            throw new BadInputException("row " + rows[indexOfLongerThan(ids, rows, width)] + " has more than max_length=" + width
                    + " tokens; tokenize with truncation=True or raise max_length");
        }
        long[] inputIds = new long[rows.length * width];
        long[] typeIds = new long[rows.length * width];
        long[] mask = new long[rows.length * width];
        long tokens = 0;
        for (int b = 0; b < rows.length; b++) {
            int r = rows[b];
            int[] types = columns.tokenTypeIds() == null ? null : columns.tokenTypeIds().values()[r];
            int[] m = columns.attentionMask() == null ? null : columns.attentionMask().values()[r];
            tokens += padder.fillRow(inputIds, typeIds, mask, b, width, ids[r], types, m);
        }
        long[] labels = null;
        int[] labelIds = null;
        float[] targets = null;
        int targetWidth = 0;
        if (columns.labels() instanceof Column.Ints ints) {
            labelIds = new int[rows.length];
            labels = new long[rows.length];
            for (int b = 0; b < rows.length; b++) {
                labelIds[b] = ints.values()[rows[b]];
                labels[b] = labelIds[b];
            }
        } else if (columns.labels() instanceof Column.Floats f) {
            targets = new float[rows.length];
            for (int b = 0; b < rows.length; b++) {
                targets[b] = f.values()[rows[b]];
            }
        } else if (columns.labels() instanceof Column.FloatLists l) {
            targetWidth = l.values()[rows[0]].length;
            targets = new float[rows.length * targetWidth];
            for (int b = 0; b < rows.length; b++) {
                float[] row = l.values()[rows[b]];
                if (row.length != targetWidth) {
                    throw new BadInputException("row " + rows[b] + " has " + row.length + " label values but row " + rows[0] + " has "
                            + targetWidth + "; give every row one value per label");
                }
                System.arraycopy(row, 0, targets, b * targetWidth, targetWidth);
            }
        }
        return new HostBatch(inputIds, typeIds, mask, labels, labelIds, rows.clone(), width, tokens, targets, targetWidth);
    }

    private static int indexOfLongerThan(int[][] ids, int[] rows, int width) {
        for (int b = 0; b < rows.length; b++) {
            if (ids[rows[b]].length > width) {
                return b;
            }
        }
        return 0;
    }
}
