package io.finetune4j.bench;

import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.train.AdamW;
import io.finetune4j.train.DataCollatorWithPadding;
import io.finetune4j.train.GradScaler;
import io.finetune4j.train.LrSchedule;
import io.finetune4j.train.TrainingArguments;
import io.finetune4j.train.TrainingStep;
import io.finetune4j.util.Flops;
import io.finetune4j.util.Gemm;
import io.finetune4j.util.MachineInfo;
import io.finetune4j.util.Timing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One optimizer step exactly as the Trainer runs it: {@link TrainingStep} (the Trainer's own step: the
 * per-step generator seed, forward with token_type_ids and the Trainer's loss, backward, autocast (fp16 or
 * bf16) with torch's GradScaler for fp16, clipping to max_grad_norm, AdamW at the linear schedule's learning rate, zero
 * grad), with the seed's arguments (learning_rate 2e-5, weight_decay 0.01, HF's other defaults), on random
 * full-length batches. Reports samples/s, the forward/backward/optimizer split, achieved GFLOP/s with MFU
 * against a matmul of the same dtype measured in the same run, and memory.
 */
public final class TrainStepBench {
    private TrainStepBench() {}

    public static BenchResult run(Device device, BenchModel spec, int batch, int seqLen, int warmup, int repeat) throws Exception {
        return run(device, spec, batch, seqLen, warmup, repeat, DType.FLOAT32, false);
    }

    /**
     * {@code precision}: FLOAT32 (the plain step), FLOAT16 (the step as fp16=true runs it: float16 autocast, loss
     * scaling) or BFLOAT16 (as bf16=true runs it: bfloat16 autocast, no scaling); MFU is against a gemm of that dtype
     * measured in the same run. {@code gradientCheckpointing}: the step as gradient_checkpointing=true runs it.
     */
    public static BenchResult run(Device device, BenchModel spec, int batch, int seqLen, int warmup, int repeat, DType precision,
            boolean gradientCheckpointing) throws Exception {
        spec.checkShape(batch, seqLen);
        boolean fp16 = precision == DType.FLOAT16;
        boolean bf16 = precision == DType.BFLOAT16;
        if (!fp16 && !bf16 && precision != DType.FLOAT32) {
            throw new IllegalArgumentException("the step runs in float32, float16 or bfloat16, not " + precision);
        }
        Gemm.Result gemm = GemmBench.run(device, precision, 2560, 768, 3072, 1, 5);
        long rssBefore = MachineInfo.rssBytes();
        int steps = warmup + repeat;
        TrainingArguments args = TrainingArguments.builder().outputDir(System.getProperty("java.io.tmpdir"))
                .learningRate(2e-5).weightDecay(0.01).maxSteps(steps).set("fp16", fp16).set("bf16", bf16)
                .set("gradient_checkpointing", gradientCheckpointing).build();
        try (SequenceClassificationModel model = spec.open(device);
                AdamW optimizer = AdamW.of(model.namedParameters(), args)) {
            // What the model and the optimizer state hold before the first step, for telling them from activations.
            long rssModelAndOptimizer = MachineInfo.rssBytes() - rssBefore;
            LrSchedule schedule = new LrSchedule(args.lrSchedulerType(), args.learningRate(), args.warmupSteps(steps), steps);
            TrainingStep step = new TrainingStep(model, optimizer, schedule, fp16 ? new GradScaler() : null, args);
            Random rng = new Random(42);
            int vocab = spec.config().vocabSize();
            List<TrainingStep.Result> results = new ArrayList<>();
            optimizer.zeroGrad();
            Timing t = Timing.measure(warmup, repeat, () -> results.add(step.run(List.of(randomBatch(rng, vocab, batch, seqLen)), results.size())));
            List<TrainingStep.Result> timed = results.subList(results.size() - repeat, results.size());
            double flopsPerSeq = spec.trainFlopsPerSequence(model, seqLen);
            double achieved = flopsPerSeq * batch / t.median();

            Map<String, Object> params = spec.params(batch, seqLen);
            params.put("dtype", precision.toString());
            params.put("optimizer", "adamw");
            params.put("gradient_checkpointing", gradientCheckpointing);
            params.put("step", "Trainer (TrainingStep)");
            params.put("warmup", warmup);
            params.put("repeat", repeat);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("samples_per_s", Gemm.round(batch / t.median()));
            metrics.put("ms_per_step_median", Gemm.round(t.median() * 1e3));
            metrics.put("ms_per_step_min", Gemm.round(t.min() * 1e3));
            metrics.put("ms_per_step_max", Gemm.round(t.max() * 1e3));
            metrics.put("ms_forward", Gemm.round(median(timed, TrainingStep.Result::forwardSeconds) * 1e3));
            metrics.put("ms_backward", Gemm.round(median(timed, TrainingStep.Result::backwardSeconds) * 1e3));
            metrics.put("ms_optimizer", Gemm.round(median(timed, TrainingStep.Result::optimizerSeconds) * 1e3));
            metrics.put("achieved_gflops", Gemm.round(achieved / 1e9));
            metrics.put("gemm_best_gflops", Gemm.round(gemm.bestGflops()));
            metrics.put("mfu_pct", Gemm.round(100 * new io.finetune4j.train.MfuCeiling(gemm.bestGflops() * 1e9, "same-run gemm").mfu(achieved)));
            metrics.put("loss", Gemm.round(results.get(results.size() - 1).loss()));
            metrics.put("rss_model_and_optimizer_mib", rssModelAndOptimizer >> 20);
            DeviceMemory.put(metrics, device);
            return new BenchResult("train-step", params, metrics, MachineLine.describe(device.toString()), java.time.Instant.now().toString());
        }
    }

    /** Random full-length rows: ids in [1, vocab), token type 0, mask 1, binary labels; as the collator lays them out. */
    static DataCollatorWithPadding.HostBatch randomBatch(Random rng, int vocab, int batch, int seqLen) {
        long[] ids = new long[batch * seqLen];
        long[] mask = new long[batch * seqLen];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + rng.nextInt(vocab - 1);
            mask[i] = 1;
        }
        long[] labels = new long[batch];
        int[] labelIds = new int[batch];
        int[] rows = new int[batch];
        for (int b = 0; b < batch; b++) {
            labelIds[b] = rng.nextInt(2);
            labels[b] = labelIds[b];
            rows[b] = b;
        }
        return new DataCollatorWithPadding.HostBatch(ids, new long[batch * seqLen], mask, labels, labelIds, rows, seqLen, (long) batch * seqLen);
    }

    static double median(List<TrainingStep.Result> rows, java.util.function.ToDoubleFunction<TrainingStep.Result> column) {
        double[] v = rows.stream().mapToDouble(column).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
