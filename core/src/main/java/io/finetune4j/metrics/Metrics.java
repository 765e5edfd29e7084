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
        return macro(confusionMatrix(predictions, references, numLabels));
    }

    /** The share of {@code confusion[true][predicted]} on its diagonal (0 for no rows). */
    public static double accuracy(long[][] confusion) {
        long correct = 0;
        long rows = 0;
        for (int t = 0; t < confusion.length; t++) {
            correct += confusion[t][t];
            for (long c : confusion[t]) {
                rows += c;
            }
        }
        return rows == 0 ? 0 : (double) correct / rows;
    }

    /** Scores of label {@code positiveLabel} from {@code confusion[true][predicted]} (sklearn's average='binary'). */
    public static PrecisionRecallF1 binary(long[][] confusion, int positiveLabel) {
        long tp = confusion[positiveLabel][positiveLabel];
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < confusion.length; i++) {
            if (i != positiveLabel) {
                fp += confusion[i][positiveLabel];
                fn += confusion[positiveLabel][i];
            }
        }
        return scores(tp, fp, fn);
    }

    /** Unweighted mean of the per-class scores of {@code confusion[true][predicted]} (sklearn's average='macro'). */
    public static PrecisionRecallF1 macro(long[][] confusion) {
        int n = confusion.length;
        double p = 0;
        double r = 0;
        double f = 0;
        for (int c = 0; c < n; c++) {
            PrecisionRecallF1 s = binary(confusion, c);
            p += s.precision();
            r += s.recall();
            f += s.f1();
        }
        return n == 0 ? new PrecisionRecallF1(0, 0, 0) : new PrecisionRecallF1(p / n, r / n, f / n);
    }

    /**
     * Single-label scores: accuracy, and precision/recall/F1 averaged as sklearn's defaults for the case
     * ({@code binary}, positive label 1, for two labels; {@code macro} for more).
     */
    public record Classification(double accuracy, String average, PrecisionRecallF1 scores) {}

    /** {@link Classification} of a {@code confusion[true][predicted]} matrix: Trainer, evaluate and Spark's evaluate score by it. */
    public static Classification classification(long[][] confusion) {
        return confusion.length == 2
                ? new Classification(accuracy(confusion), "binary", binary(confusion, 1))
                : new Classification(accuracy(confusion), "macro", macro(confusion));
    }

    /** Multi-label scores: micro precision/recall/F1 over all (row, label) pairs and subset (exact-match) accuracy. */
    public record MultiLabel(PrecisionRecallF1 micro, double subsetAccuracy) {}

    /** A label is predicted where its logit is above {@code threshold} (0 = sigmoid 0.5); targets above 0.5 are true. */
    public static MultiLabel multiLabel(float[][] logits, float[][] targets, float threshold) {
        if (logits.length != targets.length) {
            throw new IllegalArgumentException(logits.length + " predictions but " + targets.length + " references");
        }
        long tp = 0;
        long fp = 0;
        long fn = 0;
        int exact = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i].length != targets[i].length) {
                throw new IllegalArgumentException("row " + i + ": " + logits[i].length + " logits but " + targets[i].length + " targets");
            }
            boolean all = true;
            for (int j = 0; j < logits[i].length; j++) {
                boolean p = logits[i][j] > threshold;
                boolean t = targets[i][j] > 0.5f;
                if (p && t) tp++;
                else if (p) fp++;
                else if (t) fn++;
                all &= p == t;
            }
            exact += all ? 1 : 0;
        }
        return new MultiLabel(scores(tp, fp, fn), logits.length == 0 ? 0 : (double) exact / logits.length);
    }

    /** Regression errors over every output value. */
    public record Regression(double mse, double mae, double pearson) {}

    /** Mean squared and absolute error and Pearson's r between predictions and targets (all values, flattened). */
    public static Regression regression(float[][] predictions, float[][] targets) {
        if (predictions.length != targets.length) {
            throw new IllegalArgumentException(predictions.length + " predictions but " + targets.length + " references");
        }
        long n = 0;
        double se = 0;
        double ae = 0;
        double sp = 0;
        double st = 0;
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i].length != targets[i].length) {
                throw new IllegalArgumentException("row " + i + ": " + predictions[i].length + " outputs but " + targets[i].length + " targets");
            }
            for (int j = 0; j < predictions[i].length; j++) {
                double d = predictions[i][j] - targets[i][j];
                se += d * d;
                ae += Math.abs(d);
                sp += predictions[i][j];
                st += targets[i][j];
                n++;
            }
        }
        if (n == 0) {
            return new Regression(0, 0, 0);
        }
        double mp = sp / n;
        double mt = st / n;
        double cov = 0;
        double vp = 0;
        double vt = 0;
        for (int i = 0; i < predictions.length; i++) {
            for (int j = 0; j < predictions[i].length; j++) {
                double a = predictions[i][j] - mp;
                double b = targets[i][j] - mt;
                cov += a * b;
                vp += a * a;
                vt += b * b;
            }
        }
        double pearson = vp == 0 || vt == 0 ? 0 : cov / Math.sqrt(vp * vt);
        return new Regression(se / n, ae / n, pearson);
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
