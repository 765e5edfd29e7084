package io.finetune4j.bench;

import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.util.Flops;
import io.finetune4j.util.Gemm;
import io.finetune4j.util.Timing;
import java.util.LinkedHashMap;
import java.util.Map;

/** Eval forward (no dropout, no gradients) on random full-length batches: sequences/s and MFU against a same-run matmul. */
public final class ForwardBench {
    private ForwardBench() {}

    public static BenchResult run(Device device, BenchModel spec, int batch, int seqLen, int warmup, int repeat) throws Exception {
        spec.checkShape(batch, seqLen);
        Gemm.Result gemm = GemmBench.run(device, DType.FLOAT32, 2560, 768, 3072, 1, 5);
        try (SequenceClassificationModel model = spec.open(device)) {
            Timing t = Timing.measure(warmup, repeat, () -> {
                try (Autograd noGrad = Autograd.noGrad(); Scope step = Scope.open()) {
                    BenchModel.Batch b = spec.batch(device, batch, seqLen);
                    Tensor logits = model.logits(b.inputIds(), null, b.attentionMask(), false);
                    logits.toFloatArray(); // waits for the result on a GPU
                }
            });
            double achieved = spec.forwardFlopsPerSequence(model, seqLen) * batch / t.median();
            Map<String, Object> params = spec.params(batch, seqLen);
            params.put("dtype", "float32");
            params.put("warmup", warmup);
            params.put("repeat", repeat);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("sequences_per_s", Gemm.round(batch / t.median()));
            metrics.put("ms_per_batch_median", Gemm.round(t.median() * 1e3));
            metrics.put("ms_per_batch_min", Gemm.round(t.min() * 1e3));
            metrics.put("ms_per_batch_max", Gemm.round(t.max() * 1e3));
            metrics.put("achieved_gflops", Gemm.round(achieved / 1e9));
            metrics.put("gemm_best_gflops", Gemm.round(gemm.bestGflops()));
            metrics.put("mfu_pct", Gemm.round(100 * new io.finetune4j.train.MfuCeiling(gemm.bestGflops() * 1e9, "same-run gemm").mfu(achieved)));
            DeviceMemory.put(metrics, device);
            return new BenchResult("forward", params, metrics, MachineLine.describe(device.toString()), java.time.Instant.now().toString());
        }
    }
}
