package io.finetune4j.metrics;

/** What {@link ComputeMetrics} receives, as HF's {@code EvalPrediction}: logits per row and the true label ids. */
public record EvalPrediction(float[][] predictions, int[] labelIds) {
    public EvalPrediction {
        if (predictions.length != labelIds.length) {
            throw new IllegalArgumentException(predictions.length + " prediction rows but " + labelIds.length + " labels");
        }
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
