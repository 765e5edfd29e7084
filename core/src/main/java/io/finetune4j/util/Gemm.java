package io.finetune4j.util;

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

    /**
     * Times {@code matmul}, one M×K by K×N product that waits for its result (reading one element is a device sync
     * on a GPU), and turns the median into GFLOP/s. The engine-neutral half: the caller makes the operands
     * as torch Tensors (this package sits below the torch package, so it names none of its types).
     */
    public static Result measure(int m, int k, int n, int warmup, int repeat, Timing.Step matmul) throws Exception {
        Timing t = Timing.measure(warmup, repeat, matmul);
        double flops = 2.0 * m * k * n;
        return new Result(flops / t.median() / 1e9, t);
    }

    /** Rounds to two decimals, as benchmark metrics are printed. */
    public static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
