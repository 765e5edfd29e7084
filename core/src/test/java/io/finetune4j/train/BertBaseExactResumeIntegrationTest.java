package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.finetune4j.io.Cache;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's case: bert-base-uncased cut to 1 layer (dropout 0.1 as pretrained), 24 steps, evaluation every 6,
 * a checkpoint every 4. Resumed from checkpoint-12, and killed with SIGKILL 4 times at random moments and
 * resumed with resume_from_checkpoint=true after each, it ends with the uninterrupted run's
 * model.safetensors, byte for byte. Needs the cached weights (finetune4j model fetch bert-base-uncased).
 */
@Tag("integration")
class BertBaseExactResumeIntegrationTest {
    @TempDir
    static Path tmp;
    private static Path straight;

    @BeforeAll
    static void uninterrupted() {
        Path dir = Cache.standard().model("bert-base-uncased");
        assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "bert-base-uncased is not in the cache");
        straight = tmp.resolve("straight");
        try (BertForSequenceClassification m = ResumeRuns.oneLayerBertBase()) {
            ResumeRuns.bertBaseTrainer(m, ResumeRuns.bertBaseArgs(straight).build()).train();
        }
    }

    private static byte[] weights(Path run) throws Exception {
        return Files.readAllBytes(run.resolve("model.safetensors"));
    }

    @Test
    void oneLayerBertBaseResumesByteIdentical() throws Exception {
        Path resumed = tmp.resolve("resumed");
        try (BertForSequenceClassification m = ResumeRuns.oneLayerBertBase()) {
            assertEquals(24, ResumeRuns.bertBaseTrainer(m, ResumeRuns.bertBaseArgs(resumed)
                    .set("resume_from_checkpoint", straight.resolve("checkpoint-12").toString()).build()).train().globalStep());
        }
        assertArrayEquals(weights(straight), weights(resumed));
    }

    @Test
    void oneLayerBertBaseKilledFourTimesEndsByteIdentical() throws Exception {
        Path run = tmp.resolve("crashed");
        int kills = ResumeRuns.killAndResume(run, tmp.resolve("child.log"), "bert-base-1", 6, 600);
        assertTrue(kills >= 4, "killed " + kills + " times");
        assertArrayEquals(weights(straight), weights(run));
    }
}
