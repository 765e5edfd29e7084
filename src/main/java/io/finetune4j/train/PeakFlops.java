package io.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A rough peak FLOP/s of the model's device from a few float32 matmuls (the MFU denominator by default). */
public final class PeakFlops {
    private PeakFlops() {}

    public static double measure(NDManager modelManager) {
        int n = 512;
        try (NDManager m = modelManager.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).toFloatArray(); // warm-up
            int reps = 4;
            long start = System.nanoTime();
            NDArray c = null;
            for (int i = 0; i < reps; i++) {
                c = a.matMul(b);
            }
            c.toFloatArray(); // forces completion on asynchronous devices
            double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            return 2.0 * n * n * n * reps / seconds;
        }
    }
}
