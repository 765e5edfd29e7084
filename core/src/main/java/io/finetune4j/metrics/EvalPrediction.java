package io.finetune4j.metrics;

/**
 * What {@link ComputeMetrics} receives, as HF's {@code EvalPrediction}: logits per row and the true labels, either
 * class ids ({@code labelIds}, single-label) or float targets per row ({@code labelValues}: {@code [n][1]} for
 * regression, multi-hot {@code [n][num_labels]} for multi-label); the other one is null.
 */
public record EvalPrediction(float[][] predictions, int[] labelIds, float[][] labelValues) {
    public EvalPrediction {
        if ((labelIds == null) == (labelValues == null)) {
            throw new IllegalArgumentException("give either class ids or float label values");
        }
        int n = labelIds != null ? labelIds.length : labelValues.length;
        if (predictions.length != n) {
            throw new IllegalArgumentException(predictions.length + " prediction rows but " + n + " labels");
        }
    }

    /** Class-id labels (single_label_classification). */
    public EvalPrediction(float[][] predictions, int[] labelIds) {
        this(predictions, labelIds, null);
    }

    /** Float labels (regression, multi-label). */
    public static EvalPrediction ofValues(float[][] predictions, float[][] labelValues) {
        return new EvalPrediction(predictions, null, labelValues);
    }

    /** Arg-max over the logits of each row (numpy's argmax: the first maximum wins). */
    public int[] predictedLabels() {
        int[] out = new int[predictions.length];
        for (int i = 0; i < predictions.length; i++) {
            float[] row = predictions[i];
            int best = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] > row[best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    public int numLabels() {
        return predictions.length == 0 ? 0 : predictions[0].length;
    }
}
