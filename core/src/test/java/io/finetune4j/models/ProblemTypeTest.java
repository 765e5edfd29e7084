package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.distilbert.DistilBertConfig;
import io.finetune4j.models.roberta.RobertaConfig;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loss belongs to the model (HF's forward(labels)): CE, BCE with logits or MSE by problem_type, inferred as HF does. */
class ProblemTypeTest {
    static final Device CPU = Device.cpu();

    @Test
    void hfsInferenceRule() {
        assertEquals("regression", SequenceClassificationModel.problemType(null, 1, false));
        assertEquals("regression", SequenceClassificationModel.problemType(null, 1, true));
        assertEquals("single_label_classification", SequenceClassificationModel.problemType(null, 3, true));
        assertEquals("multi_label_classification", SequenceClassificationModel.problemType(null, 3, false));
        assertEquals("multi_label_classification", SequenceClassificationModel.problemType("multi_label_classification", 3, true));
    }

    @Test
    void multiLabelLossIsBceWithLogitsAndRegressionIsMseForEveryFamily() {
        List<PretrainedConfig> configs = List.of(BertConfig.tiny(), RobertaConfig.tiny("roberta"), DistilBertConfig.tiny(false));
        long[][] ids = FamilyTests.randomIds(2, 7, 200, 3, 3);
        for (PretrainedConfig base : configs) {
            PretrainedConfig multi = base.withId2label(Map.of(0, "a", 1, "b", 2, "c")).withProblemType("multi_label_classification");
            float[] targets = {1, 0, 1, 0, 0, 1};
            try (SequenceClassificationModel model = AutoModelForSequenceClassification.fromConfig(multi, 2, CPU);
                 Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                SequenceClassifierOutput out = model.forward(FamilyTests.tensor(ids), null, null, Tensor.of(targets, 2, 3), false);
                float[] z = out.logits().toFloatArray();
                double expected = 0;
                for (int i = 0; i < 6; i++) {
                    double p = 1 / (1 + Math.exp(-z[i]));
                    expected -= targets[i] * Math.log(p) + (1 - targets[i]) * Math.log(1 - p);
                }
                assertEquals(expected / 6, out.loss().item(), 1e-5, base.modelType() + " BCE");
            }
            PretrainedConfig regression = base.withNumLabels(1);
            float[] y = {0.5f, -1.25f};
            try (SequenceClassificationModel model = AutoModelForSequenceClassification.fromConfig(regression, 2, CPU);
                 Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                assertEquals("regression", model.problemType(false));
                SequenceClassifierOutput out = model.forward(FamilyTests.tensor(ids), null, null, Tensor.of(y), false);
                float[] z = out.logits().toFloatArray();
                assertEquals(2, z.length);
                double expected = ((z[0] - y[0]) * (z[0] - y[0]) + (z[1] - y[1]) * (z[1] - y[1])) / 2;
                assertEquals(expected, out.loss().item(), 1e-5, base.modelType() + " MSE");
            }
        }
    }
}
