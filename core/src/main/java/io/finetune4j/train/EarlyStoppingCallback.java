package io.finetune4j.train;

import java.util.Map;

/**
 * HF's EarlyStoppingCallback: stops training after {@code patience} evaluations in a row in which
 * metric_for_best_model did not improve on the best so far by more than {@code threshold}.
 */
public final class EarlyStoppingCallback implements TrainerCallback {
    private final int patience;
    private final double threshold;
    private int patienceCounter;

    public EarlyStoppingCallback(int patience, double threshold) {
        if (patience < 1) {
            throw new io.finetune4j.BadInputException("early_stopping_patience must be >= 1, got " + patience);
        }
        this.patience = patience;
        this.threshold = threshold;
    }

    public int patienceCounter() {
        return patienceCounter;
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        String key = args.metricForBestModel().startsWith("eval_") ? args.metricForBestModel() : "eval_" + args.metricForBestModel();
        Double value = metrics.get(key);
        if (value == null) {
            org.slf4j.LoggerFactory.getLogger(EarlyStoppingCallback.class)
                    .warn("early stopping needs metric_for_best_model {} but the evaluation returned {}", key, metrics.keySet());
            return;
        }
        // state.best_metric is still the best before this evaluation (the Trainer updates it afterwards).
        boolean better = args.greaterIsBetter() ? value > nullSafe(state.bestMetric, true) : value < nullSafe(state.bestMetric, false);
        if (state.bestMetric == null || (better && Math.abs(value - state.bestMetric) > threshold)) {
            patienceCounter = 0;
        } else {
            patienceCounter++;
        }
        if (patienceCounter >= patience) {
            control.shouldTrainingStop = true;
        }
    }

    private static double nullSafe(Double v, boolean greater) {
        return v != null ? v : (greater ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }
}
