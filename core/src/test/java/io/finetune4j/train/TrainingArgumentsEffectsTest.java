package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.io.Tensor;
import io.finetune4j.metrics.ComputeMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The effect of each TrainingArguments name added for the seed's table (issue #24), on real training runs. */
class TrainingArgumentsEffectsTest {
    @TempDir
    Path tmp;

    private TrainingArguments.Builder base(String run) {
        return TrainingArguments.builder().outputDir(tmp.resolve(run).toString()).learningRate(0.05).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(16).disableTqdm(true).loggingSteps(5).saveStrategy(TrainingArguments.SaveStrategy.NO);
    }

    private static Map<String, Tensor> train(TrainingArguments args) {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer.builder().model(model).args(args).trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build().train();
            return model.stateDict();
        }
    }

    private static boolean same(Map<String, Tensor> a, Map<String, Tensor> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k).toFloats(), b.get(k).toFloats()));
    }

    // ------------------------------------------------------------------ #22: typed builder

    @Test
    void theBuilderHasATypedSetterForEveryArgument() {
        List<String> missing = new java.util.ArrayList<>();
        for (ArgumentBinder.ArgInfo info : ArgumentBinder.describe(TrainingArguments.class)) {
            String camel = info.field().getName();
            boolean found = Arrays.stream(TrainingArguments.Builder.class.getMethods())
                    .filter(m -> m.getName().equals(camel) && m.getParameterCount() == 1)
                    .map(m -> m.getParameterTypes()[0])
                    .anyMatch(t -> t == info.field().getType() || t.isPrimitive() && box(t) == info.field().getType());
            if (!found) {
                missing.add(info.name());
            }
        }
        assertEquals(List.of(), missing, "arguments without a typed Builder setter");
        TrainingArguments a = TrainingArguments.builder().optim("sgd").optimArgs("momentum=0.9").evalStrategy(TrainingArguments.IntervalStrategy.STEPS)
                .lrSchedulerType(TrainingArguments.SchedulerType.COSINE).lrSchedulerKwargs(Map.of("num_cycles", 1.0))
                .includeTokensPerSecond(true).neftuneNoiseAlpha(5.0).build();
        assertEquals("sgd", a.optim());
        assertEquals(TrainingArguments.IntervalStrategy.STEPS, a.evalStrategy());
        assertEquals(5.0, a.neftuneNoiseAlpha());
        assertTrue(a.includeTokensPerSecond());
    }

    private static Class<?> box(Class<?> t) {
        return t == int.class ? Integer.class : t == double.class ? Double.class : t == boolean.class ? Boolean.class : t;
    }

    // ------------------------------------------------------------------ optim, optim_args

    @Test
    void adamwTorchFusedIsTheSameMathAsAdamwTorch() {
        assertTrue(same(train(base("a").maxSteps(6).build()), train(base("b").maxSteps(6).optim("adamw_torch_fused").build())));
    }

    @Test
    void sgdAndAdafactorTrainDifferentlyAndLearn() {
        Map<String, Tensor> adamw = train(base("a").maxSteps(6).build());
        Map<String, Tensor> sgd = train(base("s").maxSteps(6).optim("sgd").optimArgs("momentum=0.9").build());
        Map<String, Tensor> ada = train(base("f").maxSteps(6).optim("adafactor").build());
        assertFalse(same(adamw, sgd));
        assertFalse(same(adamw, ada));
        for (String optim : List.of("sgd", "adafactor")) {
            try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
                Trainer t = Trainer.builder().model(model).args(base(optim + "-learn").numTrainEpochs(4).optim(optim)
                                .learningRate(optim.equals("sgd") ? 0.5 : 0.05).optimArgs(optim.equals("sgd") ? "momentum=0.9" : null).build())
                        .trainColumns(SyntheticTask.make(160, 1)).evalColumns(SyntheticTask.make(80, 2))
                        .computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
                t.train();
                assertTrue(t.evaluate().get("eval_accuracy") > 0.85, optim + " should learn the separable task: " + t.evaluate());
            }
        }
    }

    @Test
    void sgdFollowsTorchSgdWithMomentumNesterovAndDecay() {
        double lr = 0.1, mu = 0.9, wd = 0.01;
        float[] w0 = {0.5f, -1.0f, 2.0f};
        float[][] gs = {{0.1f, -0.2f, 0.3f}, {-0.5f, 0.4f, 0.05f}, {1.0f, 1.0f, -2.0f}};
        try (Scope m = Scope.open()) {
            Map<String, Parameter> params = Map.of("dense.weight", param(m, "dense.weight", w0));
            Sgd opt = new Sgd(params, wd, mu, 0, true);
            double[] w = {0.5, -1.0, 2.0};
            double[] buf = null;
            for (float[] g : gs) {
                backward(m, params, Map.of("dense.weight", g));
                opt.step(lr);
                opt.zeroGrad();
                double[] d = new double[3];
                for (int i = 0; i < 3; i++) {
                    d[i] = g[i] + wd * w[i];
                }
                if (buf == null) {
                    buf = d.clone();
                } else {
                    for (int i = 0; i < 3; i++) {
                        buf[i] = mu * buf[i] + d[i];
                    }
                }
                for (int i = 0; i < 3; i++) {
                    w[i] -= lr * (d[i] + mu * buf[i]);
                }
                assertClose(w, params.get("dense.weight").data().toFloatArray());
            }
        }
    }

    @Test
    void adafactorFollowsHfAdafactorFactoredAndNot() {
        double lr = 0.01, wd = 0.1;
        float[] m0 = {0.5f, -1.0f, 2.0f, 0.25f, 1.5f, -0.75f}; // 2 x 3
        float[] v0 = {0.3f, -0.2f};
        float[][] gm = {{0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}, {-1f, 0.5f, 0.25f, 2f, -0.1f, 0.3f}};
        float[][] gv = {{1f, -1f}, {0.5f, 0.25f}};
        try (Scope m = Scope.open()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            Parameter mat = Parameter.of("dense.weight", Parameter.Type.WEIGHT, io.finetune4j.torch.Tensor.of(m0, 2, 3).requiresGrad_(true));
            params.put("dense.weight", mat);
            params.put("other.weight", param(m, "other.weight", v0));
            Adafactor opt = new Adafactor(params, wd, 1.0, -0.8, null);
            double[] w = toDouble(m0), row = new double[2], col = new double[3];
            double[] v = toDouble(v0), sq = new double[2];
            for (int t = 1; t <= 2; t++) {
                backward(m, params, Map.of("dense.weight", gm[t - 1], "other.weight", gv[t - 1]));
                opt.step(lr);
                opt.zeroGrad();
                double beta2t = 1 - Math.pow(t, -0.8);
                // factored: row/col means of g² + 1e-30
                double[] g = toDouble(gm[t - 1]);
                for (int r = 0; r < 2; r++) {
                    double s = 0;
                    for (int c = 0; c < 3; c++) {
                        s += g[r * 3 + c] * g[r * 3 + c] + 1e-30;
                    }
                    row[r] = beta2t * row[r] + (1 - beta2t) * s / 3;
                }
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int r = 0; r < 2; r++) {
                        s += g[r * 3 + c] * g[r * 3 + c] + 1e-30;
                    }
                    col[c] = beta2t * col[c] + (1 - beta2t) * s / 2;
                }
                double rowMean = (row[0] + row[1]) / 2;
                double[] u = new double[6];
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 3; c++) {
                        u[r * 3 + c] = g[r * 3 + c] / Math.sqrt(row[r] / rowMean) / Math.sqrt(col[c]);
                    }
                }
                apply(w, u, lr, wd);
                double[] gvd = toDouble(gv[t - 1]);
                double[] u2 = new double[2];
                for (int i = 0; i < 2; i++) {
                    sq[i] = beta2t * sq[i] + (1 - beta2t) * (gvd[i] * gvd[i] + 1e-30);
                    u2[i] = gvd[i] / Math.sqrt(sq[i]);
                }
                apply(v, u2, lr, wd);
                assertClose(w, params.get("dense.weight").data().toFloatArray());
                assertClose(v, params.get("other.weight").data().toFloatArray());
            }
        }
    }

    /** HF Adafactor's tail: clip by RMS, times lr, decoupled decay, subtract. */
    private static void apply(double[] w, double[] u, double lr, double wd) {
        double rms = Math.sqrt(Arrays.stream(u).map(x -> x * x).sum() / u.length);
        double div = Math.max(1.0, rms / 1.0);
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] - wd * lr * w[i] - lr * u[i] / div;
        }
    }

    @Test
    void unknownOptimOrOptimArgsStopWithOneLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> base("x").optim("lion_32bit").build());
        assertTrue(e.getMessage().contains("optim 'lion_32bit' is not available; use adamw_torch"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> base("x").optim("sgd").optimArgs("momentun=0.9").build());
        assertTrue(e.getMessage().contains("optim_args key 'momentun' is not taken by sgd"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> base("x").optimArgs("beta1=0.9").build());
        assertTrue(e.getMessage().contains("(it takes none)"), e.getMessage());
    }

    @Test
    void resumingWithAnotherOptimizerIsRefused() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer.builder().model(model).args(base("r").maxSteps(4).saveStrategy(TrainingArguments.SaveStrategy.STEPS).saveSteps(2).build())
                    .trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build().train();
            Trainer sgd = Trainer.builder().model(model).args(base("r").maxSteps(6).optim("sgd").resumeFromCheckpoint("true").build())
                    .trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build();
            BadInputException e = assertThrows(BadInputException.class, sgd::train);
            assertTrue(e.getMessage().contains("was saved by optim adamw_torch but this run uses sgd"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ schedule, metrics, logs

    @Test
    void lrSchedulerKwargsNumCyclesShapesTheCosine() {
        LrSchedule half = LrSchedule.of(base("x").lrSchedulerType(TrainingArguments.SchedulerType.COSINE).build(), 100);
        LrSchedule one = LrSchedule.of(base("x").lrSchedulerType(TrainingArguments.SchedulerType.COSINE)
                .lrSchedulerKwargs(Map.of("num_cycles", 1.0)).build(), 100);
        assertEquals(0.5, half.factor(50), 1e-12);
        assertEquals(0.0, one.factor(50), 1e-12); // a full wave: down at the middle, back up at the end
        assertEquals(1.0, one.factor(100), 1e-12);
        BadInputException e = assertThrows(BadInputException.class, () -> base("x").lrSchedulerKwargs(Map.of("num_cycles", 1.0)).build());
        assertTrue(e.getMessage().contains("lr_scheduler_kwargs key 'num_cycles' is not taken by the linear schedule"), e.getMessage());
    }

    @Test
    void tokensPerSecondAndTokensSeenAreReportedWhenAsked() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer plain = Trainer.builder().model(model).args(base("p").maxSteps(4).loggingSteps(2).build())
                    .trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build();
            TrainOutput out = plain.train();
            assertFalse(out.metrics().containsKey("train_tokens_per_second"));
            assertTrue(plain.state().logHistory.stream().noneMatch(e -> e.containsKey("num_input_tokens_seen")));

            Trainer asked = Trainer.builder().model(model).args(base("t").maxSteps(4).loggingSteps(2)
                            .includeTokensPerSecond(true).includeNumInputTokensSeen(true).build())
                    .trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build();
            out = asked.train();
            double tps = out.metrics().get("train_tokens_per_second");
            double sps = out.metrics().get("train_samples_per_second");
            assertTrue(tps > 3 * sps && tps <= 10.01 * sps, "padded rows have 3 to 10 tokens: " + tps + " vs " + sps + " samples/s");
            List<Long> seen = asked.state().logHistory.stream().filter(e -> e.containsKey("num_input_tokens_seen"))
                    .map(e -> ((Number) e.get("num_input_tokens_seen")).longValue()).toList();
            assertEquals(2, seen.size());
            assertTrue(seen.get(0) >= 16 * 3 && seen.get(1) > seen.get(0), seen.toString());
        }
    }

    @Test
    void predictionLossOnlySkipsComputeMetrics() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer t = Trainer.builder().model(model).args(base("l").maxSteps(2).predictionLossOnly(true).build())
                    .trainColumns(SyntheticTask.make(64, 1)).evalColumns(SyntheticTask.make(32, 2))
                    .computeMetrics(ComputeMetrics.classification()).peakFlops(1e11).build();
            Map<String, Double> m = t.evaluate();
            assertTrue(m.containsKey("eval_loss"));
            assertFalse(m.containsKey("eval_accuracy"), m.toString());
        }
    }

    @Test
    void batchEvalMetricsCallsComputeMetricsPerBatch() {
        List<Integer> sizes = new java.util.ArrayList<>();
        io.finetune4j.metrics.BatchComputeMetrics counting = new io.finetune4j.metrics.BatchComputeMetrics() {
            int right;
            int total;

            @Override
            public Map<String, Double> compute(io.finetune4j.metrics.EvalPrediction batch, boolean computeResult) {
                sizes.add(batch.predictions().length);
                int[] predicted = batch.predictedLabels();
                for (int i = 0; i < predicted.length; i++) {
                    right += predicted[i] == batch.labelIds()[i] ? 1 : 0;
                }
                total += predicted.length;
                if (!computeResult) {
                    return Map.of();
                }
                Map<String, Double> out = Map.of("accuracy", right / (double) total);
                right = total = 0;
                return out;
            }
        };
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            EncodedColumns eval = SyntheticTask.make(40, 2);
            double whole = Trainer.builder().model(model).args(base("b").build()).evalColumns(eval)
                    .computeMetrics(ComputeMetrics.classification()).build().evaluate().get("eval_accuracy");
            double batched = Trainer.builder().model(model).args(base("b").batchEvalMetrics(true).build()).evalColumns(eval)
                    .computeMetrics(counting).build().evaluate().get("eval_accuracy");
            assertEquals(List.of(16, 16, 8), sizes, "one call per evaluation batch of 16");
            assertEquals(whole, batched, 1e-12);
            BadInputException e = assertThrows(BadInputException.class, () -> Trainer.builder().model(model)
                    .args(base("b").batchEvalMetrics(true).build()).evalColumns(eval).computeMetrics(ComputeMetrics.classification())
                    .build().evaluate());
            assertTrue(e.getMessage().startsWith("batch_eval_metrics=true needs a compute_metrics that keeps running totals"), e.getMessage());
        }
    }

    @Test
    void evalAccumulationStepsGivesTheSameResults() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            EncodedColumns eval = SyntheticTask.make(40, 2);
            Map<String, Double> a = Trainer.builder().model(model).args(base("e").build()).evalColumns(eval)
                    .computeMetrics(ComputeMetrics.classification()).build().evaluate();
            Map<String, Double> b = Trainer.builder().model(model).args(base("e").evalAccumulationSteps(1).build()).evalColumns(eval)
                    .computeMetrics(ComputeMetrics.classification()).build().evaluate();
            assertEquals(a.get("eval_loss"), b.get("eval_loss"));
            assertEquals(a.get("eval_accuracy"), b.get("eval_accuracy"));
        }
    }

    @Test
    void fullDeterminismRunsAreBitIdentical() {
        assertTrue(same(train(base("d1").maxSteps(5).fullDeterminism(true).dataloaderNumWorkers(2).build()),
                train(base("d2").maxSteps(5).fullDeterminism(true).build())));
    }

    @Test
    void ignoreDataSkipReplaysTheInterruptedEpochFromItsStart() {
        // 64 rows / batch 8 = 8 steps per epoch; stop at step 4, resume to step 8
        Map<String, Tensor> exact;
        Map<String, Tensor> replay;
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer.builder().model(model).args(base("i").maxSteps(8).saveStrategy(TrainingArguments.SaveStrategy.STEPS).saveSteps(4).build())
                    .trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build().train();
        }
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer t = Trainer.builder().model(model).args(base("i").maxSteps(8).resumeFromCheckpoint(tmp.resolve("i/checkpoint-4").toString())
                            .overwriteOutputDir(true).build()).trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build();
            t.train();
            exact = model.stateDict();
            assertEquals(1.0, t.state().epoch);
        }
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer t = Trainer.builder().model(model).args(base("i").maxSteps(8).resumeFromCheckpoint(tmp.resolve("i/checkpoint-4").toString())
                            .ignoreDataSkip(true).overwriteOutputDir(true).build()).trainColumns(SyntheticTask.make(64, 1)).peakFlops(1e11).build();
            t.train();
            replay = model.stateDict();
            assertEquals(8, t.state().globalStep);
            assertEquals(0.5, t.state().epoch, "the last 4 steps were the epoch's first 4 batches");
        }
        assertFalse(same(exact, replay));
    }

    // ------------------------------------------------------------------ tiny BERT: neftune, fp16_full_eval

    private static io.finetune4j.models.bert.BertForSequenceClassification tinyBert() {
        return io.finetune4j.models.bert.BertForSequenceClassification.random(io.finetune4j.models.bert.BertConfig.tiny(), 1, io.finetune4j.torch.Device.cpu());
    }

    @Test
    void neftuneNoisesTheInputEmbeddingsInTrainingOnly() {
        EncodedColumns train = SyntheticTask.make(32, 1);
        EncodedColumns eval = SyntheticTask.make(16, 2);
        Map<String, Tensor> plain;
        Map<String, Tensor> noisy;
        Map<String, Tensor> noisyAgain;
        try (var model = tinyBert()) {
            Trainer.builder().model(model).args(base("n0").maxSteps(3).learningRate(1e-3).build()).trainColumns(train).peakFlops(1e11).build().train();
            plain = model.stateDict();
        }
        try (var model = tinyBert()) {
            Trainer t = Trainer.builder().model(model).args(base("n1").maxSteps(3).learningRate(1e-3).neftuneNoiseAlpha(5.0).build())
                    .trainColumns(train).evalColumns(eval).peakFlops(1e11).build();
            t.train();
            noisy = model.stateDict();
            // evaluation has no noise: twice the same loss, and the same as a Trainer without neftune
            double a = t.evaluate().get("eval_loss");
            double b = t.evaluate().get("eval_loss");
            double c = Trainer.builder().model(model).args(base("n2").build()).evalColumns(eval).build().evaluate().get("eval_loss");
            assertEquals(a, b);
            assertEquals(a, c);
        }
        try (var model = tinyBert()) {
            Trainer.builder().model(model).args(base("n3").maxSteps(3).learningRate(1e-3).neftuneNoiseAlpha(5.0).build())
                    .trainColumns(train).peakFlops(1e11).build().train();
            noisyAgain = model.stateDict();
        }
        assertFalse(same(plain, noisy), "NEFTune noise changes the training steps");
        assertTrue(same(noisy, noisyAgain), "the noise is seeded with the step: runs repeat");
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            BadInputException e = assertThrows(BadInputException.class, () -> Trainer.builder().model(model)
                    .args(base("n4").maxSteps(1).neftuneNoiseAlpha(5.0).build()).trainColumns(train).build().train());
            assertTrue(e.getMessage().contains("neftune_noise_alpha needs the model's input embeddings"), e.getMessage());
        }
    }

    @Test
    void fp16FullEvalEvaluatesInFloat16() {
        EncodedColumns eval = SyntheticTask.make(16, 2);
        try (var model = tinyBert()) {
            double full = Trainer.builder().model(model).args(base("h0").build()).evalColumns(eval).build().evaluate().get("eval_loss");
            double half = Trainer.builder().model(model).args(base("h1").fp16FullEval(true).build()).evalColumns(eval).build().evaluate().get("eval_loss");
            assertNotEquals(full, half, "float16 matmuls round differently");
            assertEquals(full, half, 1e-2, "but give nearly the same loss");
        }
    }

    // ------------------------------------------------------------------ data loader

    @Test
    void prefetchFactorSetsHowFarWorkersRunAheadAndNeedsWorkers() {
        try (BatchPrefetcher p = new BatchPrefetcher(DataCollatorWithPadding.longest(), SyntheticTask.make(8, 1), 3,
                base("x").dataloaderNumWorkers(3).dataloaderPrefetchFactor(4).build().dataloaderPrefetchFactor())) {
            assertEquals(12, p.ahead());
        }
        assertEquals(2, new TrainingArguments().dataloaderPrefetchFactor());
        BadInputException e = assertThrows(BadInputException.class, () -> base("x").dataloaderPrefetchFactor(4).build());
        assertTrue(e.getMessage().contains("dataloader_prefetch_factor needs dataloader_num_workers > 0"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> base("x").dataloaderPersistentWorkers(true).build());
        assertTrue(e.getMessage().contains("dataloader_persistent_workers needs dataloader_num_workers > 0"), e.getMessage());
        assertTrue(same(train(base("w0").maxSteps(4).build()),
                train(base("w2").maxSteps(4).dataloaderNumWorkers(2).dataloaderPrefetchFactor(1).dataloaderPersistentWorkers(true).build())));
    }

    // ------------------------------------------------------------------ output_dir

    @Test
    void anOutputDirThatIsAFileOrBelowOneIsRefusedWhenTheArgumentsAreRead() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        for (String dir : List.of(file.toString(), file.resolve("sub").toString(), "/dev/null/out")) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> TrainingArguments.fromMap(Map.of("output_dir", dir), "config.yaml"), dir);
            assertTrue(e.getMessage().startsWith("output_dir " + dir + " is "), e.getMessage());
            assertTrue(e.getMessage().contains("file") || e.getMessage().contains("not a folder"), e.getMessage());
        }
        assertDoesNotThrow(() -> TrainingArguments.fromMap(Map.of("output_dir", tmp.resolve("new/deeper").toString()), "config.yaml"));
    }

    // ------------------------------------------------------------------ Trainer(...) parameters

    @Test
    void trainerParametersOfTheSeedTable() {
        int[] made = {0};
        try (TinyClassifier first = new TinyClassifier(20, 8, 2, 7)) {
            Trainer t = Trainer.builder().modelInit(() -> {
                        made[0]++;
                        return made[0] == 1 ? first : new TinyClassifier(20, 8, 2, 7);
                    })
                    .args(base("m").maxSteps(2).overwriteOutputDir(true).build()).trainDataset(SyntheticTask.make(32, 1)).evalDataset(SyntheticTask.make(16, 2))
                    .computeLossFunc((logits, labels, n) -> io.finetune4j.nn.Losses.crossEntropy(logits, labels, 0f).mul(0))
                    .preprocessLogitsForMetrics((logits, labels) -> logits.argmax(1).unsqueeze(1))
                    .computeMetrics(p -> Map.of("width", (double) p.predictions()[0].length))
                    .callback(new TrainerCallback() {
                        @Override
                        public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c) {
                            assertTrue(inTrain[0].isInTrain());
                        }
                    })
                    .build();
            inTrain[0] = t;
            Map<String, Tensor> before = first.stateDict();
            assertFalse(t.isInTrain());
            t.train();
            assertFalse(t.isInTrain());
            assertSame(first, t.model());
            assertSame(t.model(), t.modelWrapped());
            assertFalse(t.isModelParallel());
            Map<String, Tensor> after = first.stateDict();
            // a zero loss gives zero gradients: only weight decay (0 here) would move the weights
            assertTrue(same(before, after), "compute_loss_func's loss must drive training");
            Map<String, Double> m = t.evaluate();
            assertEquals(0.0, m.get("eval_loss"));
            assertEquals(1.0, m.get("eval_width"), "compute_metrics sees the preprocessed logits (argmax, one column)");
            t.train(); // a second train() starts from a new model_init() model
            assertEquals(2, made[0]);
            assertNotSame(first, t.model());
            ((TinyClassifier) t.model()).close();
        }
    }

    private final Trainer[] inTrain = new Trainer[1];

    @Test
    void optimizersAndOptimizerClsAndKwargsReplaceTheDefault() {
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Sgd sgd = new Sgd(model.namedParameters(), 0, 0, 0, false);
            LrSchedule constant = new LrSchedule(TrainingArguments.SchedulerType.CONSTANT, 0.05, 0, 4);
            Trainer.builder().model(model).args(base("o").maxSteps(4).build()).trainColumns(SyntheticTask.make(64, 1))
                    .optimizers(sgd, constant).peakFlops(1e11).build().train();
            assertEquals(4, sgd.stepCount(), "the given optimizer made the steps");
            assertEquals(4, constant.lastStep());
            sgd.close();
        }
        Map<String, Tensor> viaFactory;
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            Trainer.builder().model(model).args(base("f").maxSteps(4).build()).trainColumns(SyntheticTask.make(64, 1))
                    .optimizerClsAndKwargs(p -> new Sgd(p, 0, 0.9, 0, false)).peakFlops(1e11).build().train();
            viaFactory = model.stateDict();
        }
        assertTrue(same(viaFactory, train(base("g").maxSteps(4).optim("sgd").optimArgs("momentum=0.9").build())));
        try (TinyClassifier model = new TinyClassifier(20, 8, 2, 7)) {
            assertThrows(IllegalArgumentException.class, () -> Trainer.builder().model(model).args(base("h").build())
                    .optimizers(new Sgd(model.namedParameters(), 0, 0, 0, false), null).optimizerClsAndKwargs(p -> null).build());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Parameter param(Scope m, String name, float[] values) {
        return Parameter.of(name, Parameter.Type.WEIGHT, io.finetune4j.torch.Tensor.of(values).requiresGrad_(true));
    }

    /** Sets the gradients through a real backward of sum(p · g). */
    private static void backward(Scope m, Map<String, Parameter> params, Map<String, float[]> grads) {
        try (Scope step = Scope.open(); Autograd g = Autograd.enableGrad()) {
            io.finetune4j.torch.Tensor loss = null;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                io.finetune4j.torch.Tensor w = e.getValue().data();
                io.finetune4j.torch.Tensor term = io.finetune4j.torch.Tensor.of(grads.get(e.getKey()), w.shape()).mul(w).sum();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
        }
    }

    private static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "index " + i);
        }
    }

}
