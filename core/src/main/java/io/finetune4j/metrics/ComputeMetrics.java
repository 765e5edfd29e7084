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
            int[] predicted = p.predictedLabels();
            int[] labels = p.labelIds();
            int k = Math.max(2, p.numLabels());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", Metrics.accuracy(predicted, labels));
            Metrics.PrecisionRecallF1 prf = k == 2
                    ? Metrics.binary(predicted, labels, 1)
                    : Metrics.macro(predicted, labels, k);
            m.put("precision", prf.precision());
            m.put("recall", prf.recall());
            m.put("f1", prf.f1());
            return m;
        };
    }
}
