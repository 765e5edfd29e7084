package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import java.util.Locale;

/**
 * HF's {@code function_to_apply} of the text-classification pipeline: what turns a text's logits
 * into its scores.
 */
public enum ScoreFunction {
    /**
     * The model's own, as HF's pipeline picks it: none for problem_type regression (the raw score), sigmoid for a
     * multi-label or single-logit model, softmax otherwise.
     */
    DEFAULT,
    /** Probabilities over the labels that sum to 1. */
    SOFTMAX,
    /** An independent probability per label. */
    SIGMOID,
    /** The raw logits (TEI's {@code raw_scores: true}). */
    NONE;

    /** HF's names: {@code softmax}, {@code sigmoid}, {@code none} (any case). */
    public static ScoreFunction parse(String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
            case "softmax" -> SOFTMAX;
            case "sigmoid" -> SIGMOID;
            case "none" -> NONE;
            default -> throw new BadInputException("unknown function_to_apply '" + value + "'; use softmax, sigmoid or none");
        };
    }

    /** The function to use for a model with {@code numLabels} labels and config.json's problem_type (may be null). */
    ScoreFunction resolve(int numLabels, String problemType) {
        if (this != DEFAULT) {
            return this;
        }
        if ("regression".equals(problemType)) {
            return NONE;
        }
        return numLabels == 1 || "multi_label_classification".equals(problemType) ? SIGMOID : SOFTMAX;
    }

    /** Applies this (resolved) function to {@code logits[from, from + n)}. */
    double[] apply(float[] logits, int from, int n) {
        return switch (this) {
            case SOFTMAX, DEFAULT -> Softmax.of(logits, from, n);
            case SIGMOID -> {
                double[] p = new double[n];
                for (int i = 0; i < n; i++) {
                    p[i] = 1.0 / (1.0 + Math.exp(-logits[from + i]));
                }
                yield p;
            }
            case NONE -> {
                double[] p = new double[n];
                for (int i = 0; i < n; i++) {
                    p[i] = logits[from + i];
                }
                yield p;
            }
        };
    }
}
