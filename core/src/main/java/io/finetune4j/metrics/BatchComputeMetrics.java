package io.finetune4j.metrics;

import java.util.Map;

/**
 * HF's compute_metrics for batch_eval_metrics=true: called once per evaluation batch with that batch's
 * predictions and labels; {@code computeResult} is true for the last batch, whose call returns the
 * metrics of the whole evaluation (the function keeps its running totals itself and resets them then).
 * Earlier calls may return an empty map.
 */
public interface BatchComputeMetrics extends ComputeMetrics {
    Map<String, Double> compute(EvalPrediction batch, boolean computeResult);

    /** Without batch_eval_metrics: the whole evaluation as one last batch. */
    @Override
    default Map<String, Double> compute(EvalPrediction prediction) {
        return compute(prediction, true);
    }
}
