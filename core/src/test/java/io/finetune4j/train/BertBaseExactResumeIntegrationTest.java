package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import io.finetune4j.io.Cache;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's case: bert-base-uncased cut to 1 layer (dropout 0.1 as pretrained), 24 steps, evaluation every 6,
 * a checkpoint every 12; resumed from checkpoint-12 it ends with the uninterrupted run's model.safetensors,
 * byte for byte. Needs the cached weights (finetune4j model fetch bert-base-uncased).
 */
@Tag("integration")
class BertBaseExactResumeIntegrationTest {
    @TempDir
    Path tmp;

    private static BertForSequenceClassification model(Path dir) {
        return BertForSequenceClassification.fromPretrained(dir, LoadOptions.builder().numLabels(2).numHiddenLayers(1).seed(42)
                .device(Device.cpu()).build());
    }

    private static Trainer trainer(BertForSequenceClassification model, TrainingArguments args) {
        return Trainer.builder().model(model).args(args).trainColumns(SyntheticTask.make(96, 4)).evalColumns(SyntheticTask.make(32, 5))
                .computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
    }

    private static TrainingArguments.Builder args(Path out) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(2e-5).perDeviceTrainBatchSize(8).weightDecay(0.01)
                .maxSteps(24).set("disable_tqdm", true).set("report_to", "none").set("logging_steps", 3)
                .evalStrategy("steps").set("eval_steps", 6).saveStrategy("steps").set("save_steps", 12);
    }

    @Test
    void oneLayerBertBaseResumesByteIdentical() throws Exception {
        Path dir = Cache.standard().model("bert-base-uncased");
        assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "bert-base-uncased is not in the cache");
        Path straight = tmp.resolve("straight");
        try (BertForSequenceClassification m = model(dir)) {
            trainer(m, args(straight).build()).train();
        }
        Path resumed = tmp.resolve("resumed");
        try (BertForSequenceClassification m = model(dir)) {
            assertEquals(24, trainer(m, args(resumed).set("resume_from_checkpoint", straight.resolve("checkpoint-12").toString())
                    .build()).train().globalStep());
        }
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(resumed.resolve("model.safetensors")));
    }
}
