package io.finetune4j.bench;

import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.train.AdamW;
import io.finetune4j.util.Gemm;
import io.finetune4j.util.MachineInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Leak check over a long run: the RSS after a tenth of the training steps (allocator and JIT warmed up)
 * against the RSS at the end. A flat run stays within a few percent; a per-step leak grows linearly.
 */
public final class MemoryBench {
    private MemoryBench() {}

    public static BenchResult run(Device device, BenchModel spec, int batch, int seqLen, int steps) throws Exception {
        spec.checkShape(batch, seqLen);
        if (steps < 10) {
            throw new io.finetune4j.BadInputException("--steps must be >= 10 for the memory case, got " + steps);
        }
        int early = steps / 10;
        long rssEarly = -1;
        long heapEarly = -1;
        long rssEnd = -1;
        long start = System.nanoTime();
        try (SequenceClassificationModel model = spec.open(device);
                AdamW optimizer = new AdamW(model.namedParameters(), 0.9, 0.999, 1e-8, 0.01)) {
            for (int s = 1; s <= steps; s++) {
                try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
                    BenchModel.Batch b = spec.batch(device, batch, seqLen);
                    Tensor loss = model.forward(b.inputIds(), null, b.attentionMask(), b.labels(), true).loss();
                    loss.backward();
                }
                optimizer.step(2e-5);
                optimizer.zeroGrad();
                if (s == early || s == steps) {
                    System.gc(); // uncollected Java garbage is not a leak; what stays after a GC is
                }
                if (s == early) {
                    rssEarly = MachineInfo.rssBytes();
                    heapEarly = usedHeap();
                }
                if (s == steps) {
                    rssEnd = MachineInfo.rssBytes();
                }
            }
        }
        Map<String, Object> params = spec.params(batch, seqLen);
        params.put("steps", steps);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("rss_mib_at_step_" + early, rssEarly >> 20);
        metrics.put("rss_mib_at_step_" + steps, rssEnd >> 20);
        metrics.put("rss_growth_pct", Gemm.round(100.0 * (rssEnd - rssEarly) / rssEarly));
        metrics.put("heap_used_mib_at_step_" + early, heapEarly >> 20);
        metrics.put("heap_used_mib_at_end", usedHeap() >> 20);
        metrics.put("heap_committed_mib_at_end", Runtime.getRuntime().totalMemory() >> 20);
        metrics.put("peak_rss_mib", MachineInfo.peakRssBytes() >> 20);
        metrics.put("seconds", Gemm.round((System.nanoTime() - start) / 1e9));
        return new BenchResult("memory", params, metrics, MachineLine.describe(device.toString()), java.time.Instant.now().toString());
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
