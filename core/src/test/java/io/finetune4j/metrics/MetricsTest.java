package io.finetune4j.metrics;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    // the example of HF's accuracy metric card: references [0,1,2,0,1,2], predictions [0,1,1,2,1,0] → 0.5
    private final int[] refs = {0, 1, 2, 0, 1, 2};
    private final int[] preds = {0, 1, 1, 2, 1, 0};

    @Test
    void accuracyAndConfusionMatrix() {
        assertEquals(0.5, Metrics.accuracy(preds, refs));
        long[][] cm = Metrics.confusionMatrix(preds, refs, 3);
        assertArrayEquals(new long[] {1, 0, 1}, cm[0]);
        assertArrayEquals(new long[] {0, 2, 0}, cm[1]);
        assertArrayEquals(new long[] {1, 1, 0}, cm[2]);
    }

    @Test
    void macroAveragesLikeSklearn() {
        // per class precision 1/2, 2/3, 0; recall 1/2, 1, 0
        Metrics.PrecisionRecallF1 s = Metrics.macro(preds, refs, 3);
        assertEquals((0.5 + 2.0 / 3) / 3, s.precision(), 1e-12);
        assertEquals(0.5, s.recall(), 1e-12);
        assertEquals((0.5 + 0.8) / 3, s.f1(), 1e-12);
    }

    @Test
    void binaryUsesPositiveLabelOne() {
        int[] r = {1, 1, 0, 0, 1};
        int[] p = {1, 0, 1, 0, 1};
        Metrics.PrecisionRecallF1 s = Metrics.binary(p, r, 1);
        assertEquals(2.0 / 3, s.precision(), 1e-12);
        assertEquals(2.0 / 3, s.recall(), 1e-12);
        assertEquals(2.0 / 3, s.f1(), 1e-12);
        assertEquals(0.0, Metrics.binary(new int[] {0, 0}, new int[] {0, 0}, 1).f1());
    }

    @Test
    void theConfusionMatrixGivesTheSameScoresAsTheLabels() {
        long[][] cm = Metrics.confusionMatrix(preds, refs, 3);
        assertEquals(Metrics.accuracy(preds, refs), Metrics.accuracy(cm), 1e-12);
        for (int k = 0; k < 3; k++) {
            assertEquals(Metrics.binary(preds, refs, k), Metrics.binary(cm, k));
        }
        Metrics.Classification three = Metrics.classification(cm);
        assertEquals("macro", three.average());
        assertEquals((0.5 + 0.8) / 3, three.scores().f1(), 1e-12);
        int[] r = {1, 1, 0, 0, 1};
        int[] p = {1, 0, 1, 0, 1};
        Metrics.Classification two = Metrics.classification(Metrics.confusionMatrix(p, r, 2));
        assertEquals("binary", two.average());
        assertEquals(Metrics.binary(p, r, 1), two.scores());
        assertEquals(0.6, two.accuracy(), 1e-12);
        assertEquals(0.0, Metrics.accuracy(new long[2][2]));
    }

    @Test
    void computeMetricsTakeArgmaxOfLogits() {
        EvalPrediction p = new EvalPrediction(new float[][] {{0.1f, 2f}, {3f, -1f}, {0f, 0.5f}, {1f, 1f}}, new int[] {1, 0, 0, 0});
        assertArrayEquals(new int[] {1, 0, 1, 0}, p.predictedLabels());
        assertEquals(Map.of("accuracy", 0.75), ComputeMetrics.accuracy().compute(p));
        Map<String, Double> all = ComputeMetrics.classification().compute(p);
        assertEquals(List.of("accuracy", "precision", "recall", "f1"), List.copyOf(all.keySet()));
        assertEquals(0.5, all.get("precision"));
        assertEquals(1.0, all.get("recall"));
    }

    @Test
    void multiLabelMicroScoresAtSigmoidHalfAndSubsetAccuracy() {
        // logits above 0 (sigmoid above 0.5) are predicted: rows → {0, 2} and {1}; true {0} and {1}
        float[][] logits = {{2f, -1f, 0.5f}, {-3f, 1f, -0.2f}};
        float[][] targets = {{1, 0, 0}, {0, 1, 0}};
        Map<String, Double> m = ComputeMetrics.multiLabel().compute(EvalPrediction.ofValues(logits, targets));
        assertEquals(List.of("accuracy", "precision", "recall", "f1"), List.copyOf(m.keySet()));
        assertEquals(0.5, m.get("accuracy"), 1e-12, "one row of two has every label right");
        assertEquals(2.0 / 3, m.get("precision"), 1e-12, "tp 2, fp 1");
        assertEquals(1.0, m.get("recall"), 1e-12, "fn 0");
        assertEquals(0.8, m.get("f1"), 1e-12, "sklearn's micro F1: 2tp / (2tp + fp + fn)");
        assertThrows(IllegalArgumentException.class, () -> ComputeMetrics.multiLabel().compute(new EvalPrediction(logits, new int[] {0, 1})));
    }

    @Test
    void regressionMseMaeAndPearson() {
        float[][] predictions = {{1f}, {2f}, {3f}};
        float[][] targets = {{1f}, {3f}, {2f}};
        Map<String, Double> m = ComputeMetrics.regression().compute(EvalPrediction.ofValues(predictions, targets));
        assertEquals(List.of("mse", "mae", "pearson"), List.copyOf(m.keySet()));
        assertEquals(2.0 / 3, m.get("mse"), 1e-12);
        assertEquals(2.0 / 3, m.get("mae"), 1e-12);
        assertEquals(0.5, m.get("pearson"), 1e-12, "cov 1 over sqrt(2 * 2)");
        assertEquals(0.0, Metrics.regression(new float[][] {{1f}, {1f}}, new float[][] {{0f}, {2f}}).pearson(), "constant predictions");
        assertEquals(List.of("mse", "mae", "pearson"), List.copyOf(ComputeMetrics.forProblemType("regression")
                .compute(EvalPrediction.ofValues(predictions, targets)).keySet()));
    }
}
