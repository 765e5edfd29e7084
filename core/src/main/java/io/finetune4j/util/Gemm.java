package io.finetune4j.util;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's practical matmul ceiling: an M×K by K×N matmul (default 2560×768×3072, the shape of
 * BERT-base's feed-forward at batch 16 × 160), float32 unless another dtype is asked for (fp16 MFU
 * divides by the float16 ceiling). MFU figures divide by this number.
 */
public final class Gemm {
    private Gemm() {}

    /** {@code gflops} from the median time; {@link #bestGflops()} from the fastest run. */
    public record Result(double gflops, Timing timing) {
        /**
         * The ceiling MFU divides by: on a machine shared with other work the median is pulled down by
         * whatever else ran, the fastest run is closest to what the cores can do.
         */
        public double bestGflops() {
            return gflops * timing.median() / timing.min();
        }
    }

    public static Result run(Device device, int m, int k, int n, int warmup, int repeat) throws Exception {
        return run(device, DataType.FLOAT32, m, k, n, warmup, repeat);
    }

    public static Result run(Device device, DataType dtype, int m, int k, int n, int warmup, int repeat) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray a = manager.randomNormal(new Shape(m, k)).toType(dtype, false);
            NDArray b = manager.randomNormal(new Shape(k, n)).toType(dtype, false);
            Timing t = Timing.measure(warmup, repeat, () -> {
                try (NDManager step = manager.newSubManager()) {
                    NDArray c = a.matMul(b);
                    c.attach(step);
                    c.getFloat(0, 0); // reading one element waits for the result (a device sync on a GPU)
                }
            });
            double flops = 2.0 * m * k * n;
            return new Result(flops / t.median() / 1e9, t);
        }
    }

    /** Rounds to two decimals, as benchmark metrics are printed. */
    public static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
