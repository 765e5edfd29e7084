package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bf16=true: the training forward under torch.autocast to bfloat16 on float32 master weights, no loss scaling. */
class Bf16TrainingTest {
    @TempDir
    Path tmp;

    private TrainingArguments.Builder args(Path out, boolean bf16) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(2e-3).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(32).set("disable_tqdm", true).set("logging_steps", 1).set("report_to", "none")
                .set("save_strategy", "no").set("bf16", bf16);
    }

    @Test
    void learnsTheTaskWithFloat32WeightsAndNoLossScaling() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 1, Device.cpu())) {
            Trainer trainer = Trainer.builder().model(model).args(args(tmp.resolve("run"), true).numTrainEpochs(4).build())
                    .trainColumns(SyntheticTask.make(160, 1)).evalColumns(SyntheticTask.make(80, 2))
                    .computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
            trainer.train();
            List<Double> losses = trainer.state().logHistory.stream().filter(e -> e.containsKey("loss") && e.containsKey("grad_norm"))
                    .map(e -> ((Number) e.get("loss")).doubleValue()).toList();
            assertEquals(80, losses.size(), "one logged step each, none skipped");
            double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double last = losses.subList(75, 80).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(last < first / 2, "loss decreases: " + first + " -> " + last);
            assertTrue(trainer.evaluate().get("eval_accuracy") > 0.9, "bf16 training should learn the separable task");
            for (Parameter p : model.namedParameters().values()) {
                assertEquals(DType.FLOAT32, p.data().dtype(), p.name() + ": master weights stay float32");
            }
        }
    }

    @Test
    void logitsAreBfloat16UnderAutocastAndGradientsFloat32() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 3, Device.cpu());
                Scope step = Scope.open()) {
            TrainingArguments a = args(tmp.resolve("x"), true).build();
            Tensor loss;
            try (Autograd g = Autograd.enableGrad(); var autocast = TrainingStep.autocast(Device.cpu(), TrainingStep.computeType(a))) {
                Tensor logits = model.logits(ids(), null, null, true);
                assertEquals(DType.BFLOAT16, logits.dtype(), "the classifier is a linear layer: torch's autocast runs it in bfloat16");
                loss = model.loss(logits, Tensor.of(new long[] {0, 1, 0, 1}));
                assertEquals(DType.FLOAT32, loss.dtype(), "torch's autocast computes the loss in float32");
            }
            loss.backward();
            model.namedParameters().forEach((name, p) -> {
                assertEquals(DType.FLOAT32, p.data().dtype(), name);
                assertEquals(DType.FLOAT32, p.data().grad().dtype(), name + "'s gradient");
            });
        }
    }

    @Test
    void aBf16StepIsCloseToTheFloat32StepButNotTheSame() {
        Map<String, Object> full = firstStep(false);
        Map<String, Object> half = firstStep(true);
        double lossFull = ((Number) full.get("loss")).doubleValue();
        double lossHalf = ((Number) half.get("loss")).doubleValue();
        double normFull = ((Number) full.get("grad_norm")).doubleValue();
        double normHalf = ((Number) half.get("grad_norm")).doubleValue();
        assertTrue(normFull != normHalf, "bf16 matmuls must actually run in bfloat16");
        assertTrue(Math.abs(lossFull - lossHalf) < 0.02, lossFull + " vs " + lossHalf);
        assertTrue(Math.abs(normFull - normHalf) < 0.05 * normFull, "grad_norm " + normFull + " vs " + normHalf);
    }

    @Test
    void bf16FullEvalEvaluatesUnderBfloat16Autocast() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 2, Device.cpu())) {
            double full = evalLoss(model, args(tmp.resolve("e32"), false));
            double half = evalLoss(model, args(tmp.resolve("e16"), false).set("bf16_full_eval", true));
            double asTrained = evalLoss(model, args(tmp.resolve("eb"), true));
            assertTrue(full != half, "bf16_full_eval must evaluate in bfloat16");
            assertTrue(Math.abs(full - half) < 0.02, full + " vs " + half);
            assertEquals(half, asTrained, "with bf16 the evaluation runs under the training's autocast, as HF's");
        }
    }

    private static double evalLoss(BertForSequenceClassification model, TrainingArguments.Builder a) {
        Trainer trainer = Trainer.builder().model(model).args(a.build()).trainColumns(SyntheticTask.make(16, 1))
                .evalColumns(SyntheticTask.make(40, 2)).computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
        return trainer.evaluate().get("eval_loss");
    }

    private Map<String, Object> firstStep(boolean bf16) {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny().withDropout(0, 0), 5, Device.cpu())) {
            Trainer trainer = Trainer.builder().model(model).args(args(tmp.resolve("step-" + bf16), bf16).maxSteps(1).build())
                    .trainColumns(SyntheticTask.make(16, 1)).peakFlops(1e11).build();
            trainer.train();
            return trainer.state().logHistory.stream().filter(e -> e.containsKey("grad_norm")).findFirst().orElseThrow();
        }
    }

    private static Tensor ids() {
        long[] flat = new long[4 * 6];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = 1 + (i * 7) % 90;
        }
        return Tensor.of(flat, 4, 6);
    }
}
