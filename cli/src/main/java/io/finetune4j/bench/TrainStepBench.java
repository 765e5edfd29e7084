package io.finetune4j.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.SequenceClassifierOutput;
import io.finetune4j.nn.Autocast;
import io.finetune4j.nn.Scalars;
import io.finetune4j.train.AdamW;
import io.finetune4j.util.Flops;
import io.finetune4j.util.Gemm;
import io.finetune4j.util.MachineInfo;
import io.finetune4j.util.Timing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimizer step as the Trainer does it: forward with cross-entropy, backward, AdamW, zero grad,
 * on random full-length batches, in float32 or as fp16=true trains (float16 matmuls under
 * {@link Autocast}, loss scaled by 65536 and unscaled before AdamW). Reports samples/s, the
 * forward/backward/optimizer split, achieved GFLOP/s with MFU against a matmul of the same dtype
 * measured in the same run, and memory.
 */
public final class TrainStepBench {
    private static final double FP16_LOSS_SCALE = 65536;

    private TrainStepBench() {}

    public static BenchResult run(Device device, BenchModel spec, int batch, int seqLen, int warmup, int repeat) throws Exception {
        return run(device, spec, batch, seqLen, warmup, repeat, false);
    }

    /** {@code fp16}: the step as fp16=true runs it. */
    public static BenchResult run(Device device, BenchModel spec, int batch, int seqLen, int warmup, int repeat, boolean fp16)
            throws Exception {
        spec.checkShape(batch, seqLen);
        DataType compute = fp16 ? DataType.FLOAT16 : null;
        Gemm.Result gemm = Gemm.run(device, fp16 ? DataType.FLOAT16 : DataType.FLOAT32, 2560, 768, 3072, 1, 5);
        long rssBefore = MachineInfo.rssBytes();
        try (SequenceClassificationModel model = spec.open(device);
                AdamW optimizer = new AdamW(model.namedParameters(), 0.9, 0.999, 1e-8, 0.0)) {
            // What the model and the optimizer state hold before the first step, for telling them from activations.
            long rssModelAndOptimizer = MachineInfo.rssBytes() - rssBefore;
            NDManager manager = model.manager();
            List<double[]> splits = new ArrayList<>(); // forward, backward, optimizer seconds per timed step
            float[] lastLoss = new float[1];
            Timing t = Timing.measure(warmup, repeat, () -> {
                long t0 = System.nanoTime();
                long t1;
                long t2;
                try (NDManager step = manager.newSubManager();
                        GradientCollector collector = Engine.getEngine(manager.getEngine().getEngineName()).newGradientCollector();
                        Autocast ignored = Autocast.enable(compute)) {
                    BenchModel.Batch b = spec.batch(step, batch, seqLen);
                    SequenceClassifierOutput out = model.forward(b.inputIds(), null, b.attentionMask(), b.labels(), true);
                    lastLoss[0] = out.loss().getFloat(); // waits for the forward on a GPU
                    t1 = System.nanoTime();
                    collector.backward(fp16 ? Scalars.mul(out.loss(), FP16_LOSS_SCALE) : out.loss());
                }
                if (fp16) {
                    optimizer.scaleGradients(1 / FP16_LOSS_SCALE);
                }
                t2 = System.nanoTime();
                optimizer.step(2e-5);
                optimizer.zeroGrad();
                long t3 = System.nanoTime();
                splits.add(new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9});
            });
            List<double[]> timed = splits.subList(splits.size() - repeat, splits.size());
            double flopsPerSeq = spec.trainFlopsPerSequence(model, seqLen);
            double achieved = flopsPerSeq * batch / t.median();

            Map<String, Object> params = spec.params(batch, seqLen);
            params.put("dtype", fp16 ? "float16" : "float32");
            params.put("optimizer", "adamw");
            params.put("warmup", warmup);
            params.put("repeat", repeat);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("samples_per_s", Gemm.round(batch / t.median()));
            metrics.put("ms_per_step_median", Gemm.round(t.median() * 1e3));
            metrics.put("ms_per_step_min", Gemm.round(t.min() * 1e3));
            metrics.put("ms_per_step_max", Gemm.round(t.max() * 1e3));
            metrics.put("ms_forward", Gemm.round(median(timed, 0) * 1e3));
            metrics.put("ms_backward", Gemm.round(median(timed, 1) * 1e3));
            metrics.put("ms_optimizer", Gemm.round(median(timed, 2) * 1e3));
            metrics.put("achieved_gflops", Gemm.round(achieved / 1e9));
            metrics.put("gemm_best_gflops", Gemm.round(gemm.bestGflops()));
            metrics.put("mfu_pct", Gemm.round(100 * Flops.mfu(achieved, gemm.bestGflops() * 1e9)));
            metrics.put("loss", Gemm.round(lastLoss[0]));
            metrics.put("rss_model_and_optimizer_mib", rssModelAndOptimizer >> 20);
            DeviceMemory.put(metrics, device);
            return new BenchResult("train-step", params, metrics, MachineLine.describe(device.toString()), java.time.Instant.now().toString());
        }
    }

    static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
