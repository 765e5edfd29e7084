package io.finetune4j.pipeline;

import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Softmax and top-k on small score vectors, in double precision (the pipelines' post-processing). */
final class Softmax {
    private Softmax() {}

    /** Numerically stable softmax of {@code logits[from, from + n)}. */
    static double[] of(float[] logits, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(logits[from + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Indices of the {@code k} largest values, largest first; ties keep the lower index first. {@code k <= 0} means all. */
    /** Elementwise sigmoid of {@code logits[from .. from+n)} (HF's pipeline for multi-label or one-output models). */
    static double[] sigmoid(float[] logits, int from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = 1 / (1 + Math.exp(-logits[from + i]));
        }
        return out;
    }

    static int[] topK(double[] values, int k) {
        int n = values.length;
        int take = k <= 0 ? n : Math.min(k, n);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> values[i]).reversed().thenComparingInt(i -> i));
        int[] out = new int[take];
        for (int i = 0; i < take; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** The top-k label scores of one probability vector. */
    static List<LabelScore> labelScores(double[] probabilities, List<String> labels, int k) {
        List<LabelScore> out = new ArrayList<>();
        for (int i : topK(probabilities, k)) {
            out.add(new LabelScore(labels.get(i), probabilities[i]));
        }
        return out;
    }
}
