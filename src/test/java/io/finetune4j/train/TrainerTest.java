package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import io.finetune4j.data.Column;
import io.finetune4j.metrics.ComputeMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path tmp;

    private TrainingArguments.Builder base(Path out) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(0.05).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(16).set("disable_tqdm", true).set("logging_steps", 5).set("save_strategy", "no");
    }

    @Test
    void learnsASeparableTask() {
        EncodedColumns train = SyntheticTask.make(160, 1);
        EncodedColumns eval = SyntheticTask.make(80, 2);
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer trainer = Trainer.builder().model(model)
                    .args(base(tmp.resolve("run")).numTrainEpochs(3).evalStrategy("epoch").weightDecay(0.01).build())
                    .trainColumns(train).evalColumns(eval).computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
            TrainOutput out = trainer.train();
            assertEquals(60, out.globalStep());
            assertEquals(3.0, out.metrics().get("epoch"));
            Map<String, Double> m = trainer.evaluate();
            assertTrue(m.get("eval_accuracy") > 0.9, "accuracy " + m);
            assertTrue(out.toString().startsWith("TrainOutput(global_step=60, training_loss="), out.toString());
            assertTrue(Files.isRegularFile(tmp.resolve("run/model.safetensors")));
            assertTrue(Files.isRegularFile(tmp.resolve("run/trainer_state.json")));
        }
    }
}
