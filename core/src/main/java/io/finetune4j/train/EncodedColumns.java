package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.data.Column;

/**
 * The model inputs of a tokenized split as plain columns (what a Dataset with input_ids,
 * token_type_ids, attention_mask and labels holds). token_type_ids and attention_mask may be null
 * (zeros and ones); labels may be null for prediction.
 */
public record EncodedColumns(Column.IntLists inputIds, Column.IntLists tokenTypeIds, Column.IntLists attentionMask, Column.Ints labels) {
    public EncodedColumns {
        if (inputIds == null) {
            throw new BadInputException("input_ids column is missing; tokenize the dataset first");
        }
        int n = inputIds.size();
        check("token_type_ids", tokenTypeIds, n);
        check("attention_mask", attentionMask, n);
        check("labels", labels, n);
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

    /** Checks that every label is in 0..numLabels-1; names the first bad row. */
    public void checkLabels(int numLabels) {
        if (labels == null) {
            throw new BadInputException("the dataset has no labels column; rename the label column to 'labels'");
        }
        int[] v = labels.values();
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] >= numLabels) {
                throw new BadInputException("row " + i + " has label " + v[i] + " but the model has num_labels=" + numLabels
                        + " (labels 0.." + (numLabels - 1) + "); fix the data or load the model with more labels");
            }
        }
    }
}
