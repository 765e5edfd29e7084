package io.finetune4j.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code compute_metrics}: evaluation output → metric name → value, in a stable order. */
@FunctionalInterface
public interface ComputeMetrics {
    Map<String, Double> compute(EvalPrediction prediction);

    /** {@code {accuracy}}, what the seed's compute_metrics returns. */
    static ComputeMetrics accuracy() {
        return p -> {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", Metrics.accuracy(p.predictedLabels(), p.labelIds()));
            return m;
        };
    }

    /**
     * {@code {accuracy, precision, recall, f1}}: binary (positive label 1) for two labels, macro
     * averages otherwise (sklearn's defaults for those cases).
     */
    static ComputeMetrics classification() {
        return p -> {
            long[][] confusion = Metrics.confusionMatrix(p.predictedLabels(), p.labelIds(), Math.max(2, p.numLabels()));
            Metrics.Classification c = Metrics.classification(confusion);
            Metrics.PrecisionRecallF1 prf = c.scores();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", c.accuracy());
            m.put("precision", prf.precision());
            m.put("recall", prf.recall());
            m.put("f1", prf.f1());
            return m;
        };
    }

    /**
     * HF run_classification.py's multi-label metrics: a label is predicted when its logit is above 0 (sigmoid above
     * 0.5); {@code f1}, {@code precision} and {@code recall} are micro averages over every (row, label) pair
     * (sklearn's average='micro'), {@code accuracy} is the share of rows whose every label is right (sklearn's
     * subset accuracy).
     */
    static ComputeMetrics multiLabel() {
        return p -> {
            float[][] y = p.labelValues();
            if (y == null) {
                throw new IllegalArgumentException("multi-label metrics need multi-hot label vectors, got class ids");
            }
            Metrics.MultiLabel s = Metrics.multiLabel(p.predictions(), y, 0f);
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", s.subsetAccuracy());
            m.put("precision", s.micro().precision());
            m.put("recall", s.micro().recall());
            m.put("f1", s.micro().f1());
            return m;
        };
    }

    /**
     * Regression metrics over the raw outputs: {@code mse} (what HF run_classification.py reports), {@code mae} and
     * {@code pearson} (the correlation STS-B is scored by; 0 when either side is constant).
     */
    static ComputeMetrics regression() {
        return p -> {
            float[][] y = p.labelValues();
            if (y == null) {
                throw new IllegalArgumentException("regression metrics need float labels, got class ids");
            }
            Map<String, Double> m = new LinkedHashMap<>();
            Metrics.Regression r = Metrics.regression(p.predictions(), y);
            m.put("mse", r.mse());
            m.put("mae", r.mae());
            m.put("pearson", r.pearson());
            return m;
        };
    }

    /** The metrics for HF's problem_type: single_label_classification, multi_label_classification or regression. */
    static ComputeMetrics forProblemType(String problemType) {
        return switch (problemType == null ? "single_label_classification" : problemType) {
            case "regression" -> regression();
            case "multi_label_classification" -> multiLabel();
            default -> classification();
        };
    }
}
