package io.finetune4j.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.metrics.EvalPrediction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loss another runtime's logits are scored by is the model's own (nn.Losses), worked out by hand here. */
class ModelEvaluationLossTest {
    private static final float[][] LOGITS = {{2f, -1f}, {0.5f, 0.5f}, {-3f, 1f}};

    @Test
    void crossEntropyOverLabelIds() {
        int[] labels = {0, 1, 0};
        double expected = 0;
        for (int r = 0; r < 3; r++) {
            double lse = Math.log(Math.exp(LOGITS[r][0]) + Math.exp(LOGITS[r][1]));
            expected += lse - LOGITS[r][labels[r]];
        }
        ClassificationData.Labels kind = new ClassificationData.Labels(ClassificationData.SINGLE_LABEL, List.of("a", "b"), 2);
        assertEquals(expected / 3, ModelEvaluation.meanLoss(new EvalPrediction(LOGITS, labels), kind), 1e-6);
    }

    @Test
    void bceWithLogitsAndMseOverEveryValue() {
        float[][] y = {{1, 0}, {0, 1}, {1, 1}};
        double bce = 0;
        double mse = 0;
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < 2; j++) {
                double z = LOGITS[r][j];
                bce += -(y[r][j] * Math.log(1 / (1 + Math.exp(-z))) + (1 - y[r][j]) * Math.log(1 - 1 / (1 + Math.exp(-z))));
                mse += (z - y[r][j]) * (z - y[r][j]);
            }
        }
        EvalPrediction p = EvalPrediction.ofValues(LOGITS, y);
        assertEquals(bce / 6, ModelEvaluation.meanLoss(p, new ClassificationData.Labels(ClassificationData.MULTI_LABEL, null, 2)), 1e-6);
        assertEquals(mse / 6, ModelEvaluation.meanLoss(p, new ClassificationData.Labels(ClassificationData.REGRESSION, null, 2)), 1e-5);
        assertEquals(0.0, ModelEvaluation.meanLoss(new EvalPrediction(new float[0][], new int[0]), null));
    }
}
