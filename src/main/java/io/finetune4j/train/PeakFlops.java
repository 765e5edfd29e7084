package io.finetune4j.train;

import ai.djl.ndarray.NDManager;
import io.finetune4j.bench.GemmBench;

/**
 * The MFU denominator by default: the device's measured float32 matmul rate at BERT-base's
 * feed-forward shape (2560×768×3072, what `bench gemm` reports), a few runs, best taken.
 */
public final class PeakFlops {
    private PeakFlops() {}

    public static double measure(NDManager modelManager) {
        try {
            GemmBench.Result r = GemmBench.run(modelManager.getDevice(), 2560, 768, 3072, 1, 3);
            return 2.0 * 2560 * 768 * 3072 / r.timing().min();
        } catch (Exception e) {
            throw new IllegalStateException("could not measure the matmul ceiling: " + e.getMessage(), e);
        }
    }
}
