package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingArgumentsTest {
    @Test
    void defaultsAreHuggingFaces() {
        Map<String, Object> d = new TrainingArguments().toMap();
        assertEquals(5e-5, d.get("learning_rate"));
        assertEquals(3.0, d.get("num_train_epochs"));
        assertEquals(8, d.get("per_device_train_batch_size"));
        assertEquals(0.9, d.get("adam_beta1"));
        assertEquals(0.999, d.get("adam_beta2"));
        assertEquals(1e-8, d.get("adam_epsilon"));
        assertEquals(1.0, d.get("max_grad_norm"));
        assertEquals("linear", d.get("lr_scheduler_type"));
        assertEquals("steps", d.get("save_strategy"));
        assertEquals(500, d.get("save_steps"));
        assertEquals(500, d.get("logging_steps"));
        assertEquals("no", d.get("eval_strategy"));
        assertEquals(42, d.get("seed"));
        assertEquals(-1, d.get("max_steps"));
    }

    @Test
    void seedsFirstRunArgumentsBindThroughTheBuilder() {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir("./results/bert-epoch5").evalStrategy("epoch").saveStrategy("epoch")
                .learningRate(2e-5).perDeviceTrainBatchSize(16).perDeviceEvalBatchSize(16)
                .numTrainEpochs(5).weightDecay(0.01).build();
        assertEquals("./results/bert-epoch5", args.outputDir());
        assertEquals(0.01, args.weightDecay());
        assertEquals("loss", args.metricForBestModel());
        assertFalse(args.greaterIsBetter(), "loss: lower is better");
    }

    @Test
    void derivedValues() {
        TrainingArguments args = TrainingArguments.fromMap(Map.of("warmup_ratio", 0.1, "metric_for_best_model", "accuracy"), "t");
        assertEquals(40, args.warmupSteps(391));
        assertTrue(args.greaterIsBetter());
        assertEquals(500, args.evalSteps(), "eval_steps defaults to logging_steps");
        assertEquals("trainer_output/runs", args.loggingDir());
    }

    @Test
    void combinationsAreValidated() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("load_best_model_at_end", true), "t"));
        assertTrue(e.getMessage().contains("load_best_model_at_end needs an eval_strategy"), e.getMessage());
        assertTrue(TrainingArguments.fromMap(Map.of("bf16", true, "bf16_full_eval", true), "t").bf16(), "bf16 is accepted");
        e = assertThrows(BadInputException.class, () -> TrainingArguments.fromMap(Map.of("bf16", true, "fp16", true), "t"));
        assertTrue(e.getMessage().contains("fp16 and bf16 are both true"), e.getMessage());
        e = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("bf16_full_eval", true, "fp16_full_eval", true), "t"));
        assertTrue(e.getMessage().contains("fp16_full_eval and bf16_full_eval are both true"), e.getMessage());
        assertThrows(BadInputException.class, () -> TrainingArguments.fromMap(Map.of("report_to", "wandb"), "t"));
    }
}
