package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.data.Column;
import io.finetune4j.metrics.ComputeMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path tmp;

    private TrainingArguments.Builder base(Path out) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(0.05).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(16).set("disable_tqdm", true).set("logging_steps", 5).set("save_strategy", "no");
    }

    private static Trainer.Builder trainer(TinyClassifier model, TrainingArguments args, EncodedColumns train) {
        return Trainer.builder().model(model).args(args).trainColumns(train).peakFlops(1e11);
    }

    @Test
    void learnsASeparableTaskAndReportsLikeHuggingFace() throws Exception {
        EncodedColumns train = SyntheticTask.make(160, 1);
        EncodedColumns eval = SyntheticTask.make(80, 2);
        StringWriter table = new StringWriter();
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Path run = tmp.resolve("run");
            Trainer trainer = trainer(model, base(run).numTrainEpochs(3).evalStrategy("epoch").saveStrategy("epoch")
                            .weightDecay(0.01).set("save_total_limit", 2).set("load_best_model_at_end", true)
                            .set("metric_for_best_model", "accuracy").set("report_to", "all").build(), train)
                    .evalColumns(eval).computeMetrics(ComputeMetrics.classification())
                    .callback(new EvalTablePrinter(new PrintWriter(table))).build();
            TrainOutput out = trainer.train();
            assertEquals(60, out.globalStep());
            assertEquals(List.of("train_runtime", "train_samples_per_second", "train_steps_per_second", "total_flos", "train_loss", "epoch"),
                    new ArrayList<>(out.metrics().keySet()));
            assertEquals(3.0, out.metrics().get("epoch"));
            assertTrue(out.toString().startsWith("TrainOutput(global_step=60, training_loss="), out.toString());
            Map<String, Double> m = trainer.evaluate();
            assertTrue(m.get("eval_accuracy") > 0.9, "accuracy " + m);
            assertEquals(List.of("eval_loss", "eval_accuracy", "eval_precision", "eval_recall", "eval_f1", "eval_runtime",
                    "eval_samples_per_second", "eval_steps_per_second", "epoch"), new ArrayList<>(m.keySet()));

            // the seed's table: header then one row per epoch
            String[] lines = table.toString().trim().split("\n");
            assertEquals("Epoch,Training Loss,Validation Loss,Accuracy,Precision,Recall,F1", lines[0]);
            assertEquals(4, lines.length, table.toString());
            assertTrue(lines[3].startsWith("3,"), lines[3]);

            // final model, checkpoints rotated to 2 keeping the best, logs for TensorBoard and JSONL
            assertTrue(Files.isRegularFile(run.resolve("model.safetensors")));
            assertTrue(Files.isRegularFile(run.resolve("training_args.json")));
            List<Path> kept = Checkpoints.sorted(run);
            assertTrue(kept.size() <= 2, kept.toString());
            TrainerState state = TrainerState.load(run.resolve("trainer_state.json"));
            assertTrue(kept.stream().anyMatch(p -> p.toString().equals(state.bestModelCheckpoint)), state.bestModelCheckpoint);
            assertTrue(Files.readAllLines(run.resolve("runs/log.jsonl")).size() >= 12 + 3 + 1);
            try (var s = Files.list(run.resolve("runs"))) {
                assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("events.out.tfevents.")));
            }
            Path ckpt = kept.get(kept.size() - 1);
            for (String f : List.of("config.json", "model.safetensors", "optimizer.pt", "scheduler.pt", "rng_state.pth",
                    "trainer_state.json", "training_args.json")) {
                assertTrue(Files.isRegularFile(ckpt.resolve(f)), f);
            }
        }
    }

    @Test
    void trainerStateHasHuggingFaceKeys() throws Exception {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Path run = tmp.resolve("state");
            trainer(model, base(run).maxSteps(4).set("save_strategy", "steps").set("save_steps", 2).set("logging_steps", 2).set("disable_tqdm", false).build(), SyntheticTask.make(32, 1))
                    .build().train();
            JsonNode json = new ObjectMapper().readTree(run.resolve("checkpoint-4/trainer_state.json").toFile());
            Set<String> keys = new TreeSet<>();
            json.fieldNames().forEachRemaining(keys::add);
            assertTrue(keys.containsAll(Set.of("best_metric", "best_model_checkpoint", "epoch", "eval_steps", "global_step",
                    "is_hyper_param_search", "is_local_process_zero", "is_world_process_zero", "log_history", "logging_steps",
                    "max_steps", "num_input_tokens_seen", "num_train_epochs", "save_steps", "stateful_callbacks", "total_flos",
                    "train_batch_size", "trial_name", "trial_params")), keys.toString());
            assertEquals(4, json.get("global_step").asInt());
            assertFalse(json.get("is_hyper_param_search").asBoolean());
            assertTrue(json.get("trial_name").isNull());
            JsonNode log = json.get("log_history").get(0);
            assertEquals(Set.of("loss", "grad_norm", "learning_rate", "epoch", "step"), fields(log));
            assertEquals(Set.of("checkpoint-2", "checkpoint-4"), names(Checkpoints.sorted(run)));
        }
    }

    @Test
    void accumulatingTwoBatchesOfFourEqualsOneBatchOfEight() {
        EncodedColumns train = SyntheticTask.make(64, 3);
        float[] big;
        float[] accumulated;
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 9)) {
            trainer(model, base(tmp.resolve("a")).maxSteps(6).weightDecay(0.01).build(), train).build().train();
            big = model.weights("embed.weight");
        }
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 9)) {
            trainer(model, base(tmp.resolve("b")).maxSteps(6).weightDecay(0.01).perDeviceTrainBatchSize(4)
                    .set("gradient_accumulation_steps", 2).build(), train).build().train();
            accumulated = model.weights("embed.weight");
        }
        assertArrayEquals(big, accumulated, 1e-5f);
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 9)) { // data-loader threads change nothing but timing
            trainer(model, base(tmp.resolve("c")).maxSteps(6).weightDecay(0.01).set("dataloader_num_workers", 2).build(), train)
                    .build().train();
            assertArrayEquals(big, model.weights("embed.weight"), 0f);
        }
    }

    @Test
    void anInterruptedThenResumedRunEndsWithTheSameWeights() {
        EncodedColumns train = SyntheticTask.make(40, 4); // 5 steps per epoch: the resume crosses an epoch boundary
        TrainingArguments.Builder args = base(tmp).maxSteps(12).weightDecay(0.01).set("save_strategy", "steps").set("save_steps", 4)
                .set("warmup_steps", 2).set("group_by_length", true);
        float[] straight;
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 11)) {
            trainer(model, args.outputDir(tmp.resolve("straight").toString()).build(), train).build().train();
            straight = model.weights("embed.weight");
        }
        Path resumed = tmp.resolve("resumed");
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 11)) {
            TrainerCallback interrupt = new TrainerCallback() {
                @Override
                public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
                    c.shouldTrainingStop = s.globalStep == 6;
                }
            };
            trainer(model, args.outputDir(resumed.toString()).build(), train).callback(interrupt).build().train();
        }
        assertEquals(Set.of("checkpoint-4"), names(Checkpoints.sorted(resumed)));
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 99)) { // other initial weights: all must come from the checkpoint
            TrainOutput out = trainer(model, args.outputDir(resumed.toString()).set("resume_from_checkpoint", "true").build(), train)
                    .build().train();
            assertEquals(12, out.globalStep());
            assertArrayEquals(straight, model.weights("embed.weight"), 1e-6f);
        }
    }

    @Test
    void groupByLengthGroupsByTheLengthColumnWhenTheDataHasOne() {
        int n = 16; // row i has i + 1 tokens; its length column says the reverse, 16 - i
        int[][] ids = new int[n][];
        int[] labels = new int[n];
        int[] column = new int[n];
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = new int[i + 1];
            java.util.Arrays.fill(ids[i], 2 + i % 8);
            labels[i] = i % 2;
            column[i] = n - i;
            tokens[i] = i + 1;
        }
        EncodedColumns plain = EncodedColumns.of(ids, labels);
        TrainingArguments args = base(tmp.resolve("a")).perDeviceTrainBatchSize(4).maxSteps(1).set("group_by_length", true).build();
        // the first batch holds the longest row: by the column row 0 (1 token), by the token counts row 15 (16 tokens)
        int[] byColumn = new BatchOrder(n, 4, args.dataSeed(), false, column).batches(0).get(0);
        int[] byTokens = new BatchOrder(n, 4, args.dataSeed(), false, tokens).batches(0).get(0);
        assertTrue(java.util.Arrays.stream(byColumn).anyMatch(r -> r == 0), java.util.Arrays.toString(byColumn));
        assertTrue(java.util.Arrays.stream(byTokens).anyMatch(r -> r == n - 1), java.util.Arrays.toString(byTokens));
        long columnTokens = java.util.Arrays.stream(byColumn).map(r -> tokens[r]).sum();
        long tokenTokens = java.util.Arrays.stream(byTokens).map(r -> tokens[r]).sum();
        assertNotEquals(columnTokens, tokenTokens);
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) { // the first step trains on the rows the column puts first
            Trainer t = trainer(model, args, plain.withLengths(column)).build();
            t.train();
            assertEquals(columnTokens, t.state().numInputTokensSeen);
        }
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) { // without the column, the token counts group the rows
            Trainer t = trainer(model, base(tmp.resolve("b")).perDeviceTrainBatchSize(4).maxSteps(1).set("group_by_length", true)
                    .build(), plain).build();
            t.train();
            assertEquals(tokenTokens, t.state().numInputTokensSeen);
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceEvaluationsWithoutImprovement() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            EarlyStoppingCallback early = new EarlyStoppingCallback(2, 0.5);
            Trainer t = trainer(model, base(tmp.resolve("early")).maxSteps(20).learningRate(1e-6).evalStrategy("steps")
                    .set("eval_steps", 1).build(), SyntheticTask.make(32, 1))
                    .evalColumns(SyntheticTask.make(16, 2)).callback(early).build();
            assertEquals(3, t.train().globalStep()); // best set at step 1, no improvement > 0.5 at steps 2 and 3
            assertEquals(2, early.patienceCounter());
        }
    }

    @Test
    void labelsOutsideNumLabelsStopBeforeTheFirstStep() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            EncodedColumns bad = EncodedColumns.of(new int[][] {{2, 3}, {4}, {5, 6}, {7}}, new int[] {0, 1, 1, 2});
            BadInputException e = assertThrows(BadInputException.class,
                    () -> trainer(model, base(tmp.resolve("bad")).build(), bad).build().train());
            assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("num_labels=2"), e.getMessage());
        }
    }

    @Test
    void nonEmptyOutputDirNeedsOverwriteOrResume() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(run.resolve("notes.txt"), "keep me");
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> trainer(model, base(run).build(), SyntheticTask.make(16, 1)).build().train());
            assertTrue(e.getMessage().contains("overwrite_output_dir"), e.getMessage());
        }
    }

    @Test
    void aNonFiniteLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint() {
        Path run = tmp.resolve("nan");
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            TrainerCallback poison = new TrainerCallback() {
                @Override
                public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
                    if (s.globalStep == 3) {
                        float[] nan = new float[20 * 8];
                        java.util.Arrays.fill(nan, Float.NaN);
                        try (io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad();
                                io.finetune4j.torch.Tensor src = io.finetune4j.torch.Tensor.of(nan, 20, 8)) {
                            model.namedParameters().get("embed.weight").data().copy_(src);
                        }
                    }
                }
            };
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> trainer(model, base(run).maxSteps(10).set("save_strategy", "steps").set("save_steps", 2).build(),
                            SyntheticTask.make(64, 1)).callback(poison).build().train());
            assertEquals(4, e.step());
            assertTrue(e.getMessage().contains("checkpoint-2"), e.getMessage());
            assertEquals(Set.of("checkpoint-2"), names(Checkpoints.sorted(run)));
            assertEquals(2, TrainerState.load(run.resolve("checkpoint-2/trainer_state.json")).globalStep);
        }
    }

    @Test
    void manySteps_leaveNoArraysBehind() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            int before = io.finetune4j.torch.Tensor.liveCount();
            Trainer t = trainer(model, base(tmp.resolve("leak")).maxSteps(200).evalStrategy("steps").set("eval_steps", 50).build(),
                    SyntheticTask.make(64, 1)).evalColumns(SyntheticTask.make(32, 2)).build();
            t.train();
            PredictionOutput p = t.predict(SyntheticTask.make(8, 3));
            assertEquals(8, p.predictions().length);
            assertEquals(2, p.predictions()[0].length);
            assertTrue(p.metrics().containsKey("test_loss"));
            assertEquals(before, io.finetune4j.torch.Tensor.liveCount());
        }
    }

    private static Set<String> names(List<Path> paths) {
        Set<String> out = new TreeSet<>();
        paths.forEach(p -> out.add(p.getFileName().toString()));
        return out;
    }

    private static Set<String> fields(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
