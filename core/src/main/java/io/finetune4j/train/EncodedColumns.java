package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.data.Column;

/**
 * The model inputs of a tokenized split as plain columns (what a Dataset with input_ids,
 * token_type_ids, attention_mask and labels holds). token_type_ids and attention_mask may be null
 * (zeros and ones); labels may be null for prediction. Labels are, as HF's {@code forward(labels)} takes them,
 * class ids ({@link Column.Ints}: single_label_classification), one float per row ({@link Column.Floats}:
 * regression) or a float vector per row ({@link Column.FloatLists}: multi-hot for multi_label_classification,
 * or several regression targets). {@code lengths} (may be null) are the rows' lengths from the data set's
 * length_column_name column: with group_by_length they, not the token counts, group the rows (HF's Trainer).
 */
public record EncodedColumns(Column.IntLists inputIds, Column.IntLists tokenTypeIds, Column.IntLists attentionMask, Column labels,
        int[] lengths) {
    public EncodedColumns {
        if (inputIds == null) {
            throw new BadInputException("input_ids column is missing; tokenize the dataset first");
        }
        int n = inputIds.size();
        check("token_type_ids", tokenTypeIds, n);
        check("attention_mask", attentionMask, n);
        check("labels", labels, n);
        if (lengths != null && lengths.length != n) {
            throw new BadInputException("the length column has " + lengths.length + " rows but input_ids has " + n);
        }
        if (labels != null && !(labels instanceof Column.Ints || labels instanceof Column.Floats || labels instanceof Column.FloatLists)) {
            throw new BadInputException("labels must be class ids, floats or float vectors, got " + labels.typeName());
        }
    }

    public EncodedColumns(Column.IntLists inputIds, Column.IntLists tokenTypeIds, Column.IntLists attentionMask, Column labels) {
        this(inputIds, tokenTypeIds, attentionMask, labels, null);
    }

    /** These columns with the rows' precomputed lengths (null: none, the token counts group the rows). */
    public EncodedColumns withLengths(int[] rowLengths) {
        return new EncodedColumns(inputIds, tokenTypeIds, attentionMask, labels, rowLengths);
    }

    public static EncodedColumns of(int[][] inputIds, int[] labels) {
        return new EncodedColumns(new Column.IntLists(inputIds), null, null, labels == null ? null : new Column.Ints(labels));
    }

    private static void check(String name, Column c, int n) {
        if (c != null && c.size() != n) {
            throw new BadInputException(name + " has " + c.size() + " rows but input_ids has " + n);
        }
    }

    public int size() {
        return inputIds.size();
    }

    /** The lengths group_by_length groups by: the precomputed {@link #lengths} when given, else each row's token count. */
    public int[] groupingLengths() {
        if (lengths != null) {
            return lengths;
        }
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = length(i);
        }
        return out;
    }

    /** Token count of a row (its attention mask's ones, or its length without a mask). */
    public int length(int row) {
        if (attentionMask == null) {
            return inputIds.values()[row].length;
        }
        int n = 0;
        for (int v : attentionMask.values()[row]) {
            n += v;
        }
        return n;
    }

    /** True when the labels are class ids (int64 for the loss), false for float targets. */
    public boolean classIds() {
        return labels instanceof Column.Ints;
    }

    /** The class ids (single-label); null without labels or with float targets. */
    public int[] labelIds() {
        return labels instanceof Column.Ints ints ? ints.values() : null;
    }

    /** Float targets as rows ([n][1] for one float per row, [n][k] for vectors); null without labels or with class ids. */
    public float[][] labelValues() {
        if (labels instanceof Column.Floats f) {
            float[][] out = new float[f.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[] {f.values()[i]};
            }
            return out;
        }
        return labels instanceof Column.FloatLists l ? l.values() : null;
    }

    /**
     * Checks the labels against a model with {@code numLabels} outputs, naming the first bad row: class ids in
     * 0..numLabels-1, one float per row for a single output, vectors of numLabels floats.
     */
    public void checkLabels(int numLabels) {
        if (labels == null) {
            throw new BadInputException("the dataset has no labels column; rename the label column to 'labels'");
        }
        if (labels instanceof Column.Ints ints) {
            int[] v = ints.values();
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0 || v[i] >= numLabels) {
                    throw new BadInputException("row " + i + " has label " + v[i] + " but the model has num_labels=" + numLabels
                            + " (labels 0.." + (numLabels - 1) + "); fix the data or load the model with more labels");
                }
            }
        } else if (labels instanceof Column.Floats) {
            if (numLabels != 1) {
                throw new BadInputException("the labels are one float per row (regression) but the model has num_labels=" + numLabels
                        + "; regression needs num_labels=1 (problem_type regression)");
            }
        } else {
            float[][] v = ((Column.FloatLists) labels).values();
            for (int i = 0; i < v.length; i++) {
                if (v[i] == null || v[i].length != numLabels) {
                    throw new BadInputException("row " + i + " has a label vector of " + (v[i] == null ? 0 : v[i].length)
                            + " values but the model has num_labels=" + numLabels + "; give every row one value per label");
                }
            }
        }
    }
}
