package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fp16=true: float16 matmuls on float32 master weights with torch's GradScaler, on a tiny BERT. */
class Fp16TrainingTest {
    @TempDir
    Path tmp;

    private TrainingArguments.Builder args(Path out) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(2e-3).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(32).set("disable_tqdm", true).set("logging_steps", 1).set("fp16", true);
    }

    @Test
    void learnsTheTaskAndCheckpointsTheLossScale() {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 1, Device.cpu())) {
            Path run = tmp.resolve("run");
            Trainer trainer = Trainer.builder().model(model).args(args(run).numTrainEpochs(4).set("save_strategy", "epoch").build())
                    .trainColumns(SyntheticTask.make(160, 1)).evalColumns(SyntheticTask.make(80, 2))
                    .computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
            TrainOutput out = trainer.train();
            assertTrue(Double.isFinite(out.trainingLoss()));
            assertTrue(trainer.evaluate().get("eval_accuracy") > 0.9, "fp16 training should learn the separable task");
            Map<String, Object> scaler = Checkpoints.readMap(Checkpoints.path(run, out.globalStep()).resolve(GradScaler.FILE));
            assertEquals(80, ((Number) scaler.get("_growth_tracker")).intValue() + countSkipped(trainer), "one update per step");
            assertEquals(65536.0, ((Number) scaler.get("scale")).doubleValue() * Math.pow(2, countSkipped(trainer)));
        }
    }

    @Test
    void overflowingStepsAreSkippedAndTheScaleBacksOff() throws Exception {
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 1, Device.cpu())) {
            Map<String, io.finetune4j.io.Tensor> before = model.stateDict();
            // 2^60 times the loss overflows float16 (max 65504) in backward: the first steps must be skipped.
            Trainer trainer = Trainer.builder().model(model).args(args(tmp.resolve("big")).maxSteps(1).set("save_strategy", "no").build())
                    .trainColumns(SyntheticTask.make(16, 1)).peakFlops(1e11).gradScaler(new GradScaler(Math.pow(2, 60))).build();
            trainer.train();
            assertEquals(1, countSkipped(trainer));
            model.stateDict().forEach((name, t) -> assertTrue(java.util.Arrays.equals(before.get(name).toFloats(), t.toFloats()),
                    name + " changed in a skipped step"));

            GradScaler scaler = new GradScaler(Math.pow(2, 60));
            Trainer recovering = Trainer.builder().model(model).args(args(tmp.resolve("big2")).maxSteps(60).set("save_strategy", "no").build())
                    .trainColumns(SyntheticTask.make(160, 1)).peakFlops(1e11).gradScaler(scaler).build();
            recovering.train();
            int skipped = countSkipped(recovering);
            assertTrue(skipped > 30 && skipped < 60, "skipped " + skipped);
            assertEquals(Math.pow(2, 60 - skipped), scaler.scale());
            assertFalse(model.stateDict().entrySet().stream().allMatch(e ->
                    java.util.Arrays.equals(before.get(e.getKey()).toFloats(), e.getValue().toFloats())), "later steps must update");
        }
    }

    @Test
    void gradScalerFollowsTorchsPolicy() {
        GradScaler s = new GradScaler();
        assertEquals(65536.0, s.scale());
        s.update(false);
        assertEquals(32768.0, s.scale());
        for (int i = 0; i < GradScaler.GROWTH_INTERVAL - 1; i++) {
            s.update(true);
        }
        assertEquals(32768.0, s.scale());
        s.update(true);
        assertEquals(65536.0, s.scale());
        Path file = tmp.resolve(GradScaler.FILE);
        s.update(false);
        s.update(true);
        s.save(file);
        GradScaler loaded = new GradScaler();
        loaded.load(file);
        assertEquals(32768.0, loaded.scale());
        assertTrue(Files.isRegularFile(file));
        assertEquals(1, ((Number) Checkpoints.readMap(file).get("_growth_tracker")).intValue());
    }

    /** Steps logged with a NaN grad_norm: the Trainer skipped them. */
    private static int countSkipped(Trainer trainer) {
        List<Map<String, Object>> history = trainer.state().logHistory;
        return (int) history.stream().filter(e -> e.get("grad_norm") instanceof Number n && Double.isNaN(n.doubleValue())).count();
    }
}
