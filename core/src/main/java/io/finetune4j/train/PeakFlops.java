package io.finetune4j.train;

import ai.djl.ndarray.NDManager;
import io.finetune4j.util.Gemm;

/**
 * The MFU denominator by default: the device's measured float32 matmul rate at BERT-base's
 * feed-forward shape (2560×768×3072, what `bench gemm` reports), after a warm-up, best of five.
 */
public final class PeakFlops {
    private PeakFlops() {}

    public static double measure(NDManager modelManager) {
        try {
            // Enough warm-up that libtorch's first-call costs do not lower the ceiling (which would inflate MFU).
            Gemm.Result r = Gemm.run(modelManager.getDevice(), 2560, 768, 3072, 3, 5);
            return 2.0 * 2560 * 768 * 3072 / r.timing().min();
        } catch (Exception e) {
            throw new IllegalStateException("could not measure the matmul ceiling: " + e.getMessage(), e);
        }
    }
}
