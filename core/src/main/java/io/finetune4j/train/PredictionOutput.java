package io.finetune4j.train;

import java.util.Map;

/** HF's PredictionOutput: logits per row, the label ids (null without labels) and test_* metrics. */
public record PredictionOutput(float[][] predictions, int[] labelIds, Map<String, Double> metrics) {}
