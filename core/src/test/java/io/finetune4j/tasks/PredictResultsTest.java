package io.finetune4j.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** predict_results.txt lines as run_classification.py writes them for each problem type. */
class PredictResultsTest {
    private static final float[][] LOGITS = {{0.2f, 1.5f, -0.3f}, {2f, -1f, 0.5f}};
    private static final List<String> NAMES = List.of("neg", "pos", "neutral");

    @Test
    void singleLabelIsTheArgMaxName() {
        assertEquals("index\tprediction\n0\tpos\n1\tneg\n", PredictResults.format(LOGITS,
                new ClassificationData.Labels(ClassificationData.SINGLE_LABEL, NAMES, 3), NAMES));
    }

    @Test
    void multiLabelIsThePythonListOfNamesWithPositiveLogits() {
        assertEquals("index\tprediction\n0\t['neg', 'pos']\n1\t['neg', 'neutral']\n", PredictResults.format(LOGITS,
                new ClassificationData.Labels(ClassificationData.MULTI_LABEL, NAMES, 3), NAMES));
    }

    @Test
    void regressionHasThreeDecimals() {
        assertEquals("index\tprediction\n0\t0.200\n1\t12.346\n", PredictResults.format(new float[][] {{0.2f}, {12.3456f}},
                new ClassificationData.Labels(ClassificationData.REGRESSION, List.of(), 1), List.of()));
    }
}
