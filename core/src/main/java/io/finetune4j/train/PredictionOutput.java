package io.finetune4j.train;

import java.util.Map;

/**
 * HF's PredictionOutput: logits per row, the labels (class ids in {@code labelIds}, or float targets in
 * {@code labelValues} for regression and multi-label; null without labels) and test_* metrics.
 */
public record PredictionOutput(float[][] predictions, int[] labelIds, Map<String, Double> metrics, float[][] labelValues) {
    public PredictionOutput(float[][] predictions, int[] labelIds, Map<String, Double> metrics) {
        this(predictions, labelIds, metrics, null);
    }
}
