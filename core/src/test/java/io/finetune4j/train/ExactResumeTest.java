package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.models.bert.BertForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume with dropout: the generator is reseeded from (seed, global step) at every optimizer step
 * (TrainingStep.stepSeed), so a resumed run, in this process or after a kill -9, ends with the same
 * model.safetensors, byte for byte, as the uninterrupted one; in float32 and with bf16=true.
 */
class ExactResumeTest {
    @TempDir
    Path tmp;

    private static byte[] weights(Path run) throws Exception {
        return Files.readAllBytes(run.resolve("model.safetensors"));
    }

    private Path straight(int seed, boolean bf16) throws Exception {
        Path run = tmp.resolve("straight-" + seed + (bf16 ? "-bf16" : ""));
        if (!Files.isDirectory(run)) {
            try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
                ResumeRuns.trainer(model, ResumeRuns.args(run, seed, bf16).build()).train();
            }
        }
        return run;
    }

    /** float32, and bf16 (autocast to bfloat16 in the training forward and the evaluations). */
    @ParameterizedTest(name = "bf16={0}")
    @ValueSource(booleans = {false, true})
    void resumingFromAMiddleCheckpointEndsByteIdentical(boolean bf16) throws Exception {
        Path straight = straight(42, bf16);
        // The dropout masks matter: another seed (same initial weights, same data order) ends elsewhere.
        assertFalse(java.util.Arrays.equals(weights(straight), weights(straight(43, bf16))), "dropout did not change the result");
        if (bf16) {
            assertFalse(java.util.Arrays.equals(weights(straight), weights(straight(42, false))), "bf16 must change the result");
        }
        for (int from : new int[] {8, 12}) { // 8: inside epoch 2, between evaluations; 12: just before an evaluation
            Path resumed = tmp.resolve("resumed-" + from + (bf16 ? "-bf16" : ""));
            try (BertForSequenceClassification model = ResumeRuns.tinyBert()) {
                TrainOutput out = ResumeRuns.trainer(model, ResumeRuns.args(resumed, 42, bf16)
                        .set("resume_from_checkpoint", straight.resolve("checkpoint-" + from).toString()).build()).train();
                assertEquals(ResumeRuns.MAX_STEPS, out.globalStep());
            }
            assertArrayEquals(weights(straight), weights(resumed), "resumed from checkpoint-" + from);
            // and the losses logged after the resume point are the uninterrupted run's
            TrainerState a = TrainerState.load(straight.resolve(TrainerState.FILE));
            TrainerState b = TrainerState.load(resumed.resolve(TrainerState.FILE));
            assertEquals(losses(a, from), losses(b, from));
        }
    }

    private static List<Object> losses(TrainerState s, int after) {
        List<Object> out = new ArrayList<>();
        for (var e : s.logHistory) {
            // a training-loss window that straddles the resume point averages fewer steps (as in HF); skip it
            if (e.containsKey("loss") && ((Number) e.get("step")).intValue() - 5 >= after) {
                out.add(e.get("step") + ":" + e.get("loss"));
            }
            if (e.containsKey("eval_loss") && ((Number) e.get("step")).intValue() > after) {
                out.add(e.get("step") + ":" + e.get("eval_loss") + ":" + e.get("eval_accuracy"));
            }
        }
        return out;
    }

    /**
     * Training as a real child process, killed with SIGKILL at random moments (at least 4 times, some during a
     * checkpoint write), resumed each time with resume_from_checkpoint=true; the end is byte-identical to the
     * uninterrupted run, and no half-written checkpoint is ever listed.
     */
    @ParameterizedTest(name = "bf16={0}")
    @ValueSource(booleans = {false, true})
    void killedFourTimesAndResumedEndsByteIdentical(boolean bf16) throws Exception {
        Path reference = straight(42, bf16);
        Path run = tmp.resolve("crashed");
        int kills = ResumeRuns.killAndResume(run, tmp.resolve("child.log"), bf16 ? "tiny-bf16" : "tiny", 8, 120);
        assertTrue(kills >= 4, "killed " + kills + " times");
        assertArrayEquals(weights(reference), weights(run));
    }
}
