package io.finetune4j.metrics;

/** Classification metrics over label ids, with sklearn's conventions (0 when a denominator is 0). */
public final class Metrics {
    private Metrics() {}

    public record PrecisionRecallF1(double precision, double recall, double f1) {}

    public static double accuracy(int[] predictions, int[] references) {
        check(predictions, references);
        if (predictions.length == 0) {
            return 0;
        }
        int correct = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] == references[i]) {
                correct++;
            }
        }
        return (double) correct / predictions.length;
    }

    /** {@code matrix[true][predicted]} counts, as sklearn's confusion_matrix. */
    public static long[][] confusionMatrix(int[] predictions, int[] references, int numLabels) {
        check(predictions, references);
        long[][] m = new long[numLabels][numLabels];
        for (int i = 0; i < predictions.length; i++) {
            int t = references[i];
            int p = predictions[i];
            if (t < 0 || t >= numLabels || p < 0 || p >= numLabels) {
                throw new IllegalArgumentException("label at row " + i + " (true " + t + ", predicted " + p
                        + ") is outside 0.." + (numLabels - 1));
            }
            m[t][p]++;
        }
        return m;
    }

    /** Scores of one class treated as positive (sklearn's average='binary' with pos_label). */
    public static PrecisionRecallF1 binary(int[] predictions, int[] references, int positiveLabel) {
        check(predictions, references);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < predictions.length; i++) {
            boolean p = predictions[i] == positiveLabel;
            boolean t = references[i] == positiveLabel;
            if (p && t) tp++;
            else if (p) fp++;
            else if (t) fn++;
        }
        return scores(tp, fp, fn);
    }

    /** Unweighted mean of the per-class scores over labels 0..numLabels-1 (sklearn's average='macro'). */
    public static PrecisionRecallF1 macro(int[] predictions, int[] references, int numLabels) {
        double p = 0;
        double r = 0;
        double f = 0;
        for (int c = 0; c < numLabels; c++) {
            PrecisionRecallF1 s = binary(predictions, references, c);
            p += s.precision();
            r += s.recall();
            f += s.f1();
        }
        return new PrecisionRecallF1(p / numLabels, r / numLabels, f / numLabels);
    }

    private static PrecisionRecallF1 scores(long tp, long fp, long fn) {
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new PrecisionRecallF1(precision, recall, f1);
    }

    private static void check(int[] predictions, int[] references) {
        if (predictions.length != references.length) {
            throw new IllegalArgumentException(predictions.length + " predictions but " + references.length + " references");
        }
    }
}
