package io.finetune4j.bench;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.util.Gemm;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bench gemm}: the matmul ceiling ({@link Gemm}) as a benchmark result line, and that matmul on libtorch. */
public final class GemmBench {
    private GemmBench() {}

    public static BenchResult bench(Device device, int m, int k, int n, int warmup, int repeat) throws Exception {
        return bench(device, DType.FLOAT32, m, k, n, warmup, repeat);
    }

    /**
     * {@link Gemm#measure} of {@code torch.randn(m, k) @ torch.randn(k, n)} in {@code dtype} on {@code device}; each
     * product is freed after it and one element is read (a device sync on a GPU).
     */
    public static Gemm.Result run(Device device, DType dtype, int m, int k, int n, int warmup, int repeat) throws Exception {
        try (Autograd noGrad = Autograd.noGrad(); Scope operands = Scope.open()) {
            Tensor a = Tensor.randn(dtype, m, k).to(device);
            Tensor b = Tensor.randn(dtype, k, n).to(device);
            return Gemm.measure(m, k, n, warmup, repeat, () -> {
                try (Scope step = Scope.open()) {
                    a.matmul(b).select(0, 0).select(0, 0).item();
                }
            });
        }
    }

    public static BenchResult bench(Device device, DType dtype, int m, int k, int n, int warmup, int repeat) throws Exception {
        Gemm.Result r = run(device, dtype, m, k, n, warmup, repeat);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("m", m);
        params.put("k", k);
        params.put("n", n);
        if (dtype != DType.FLOAT32) {
            params.put("dtype", dtype.toString());
        }
        params.put("warmup", warmup);
        params.put("repeat", repeat);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("gflops", round(r.gflops()));
        metrics.put("ms_median", round(r.timing().median() * 1e3));
        metrics.put("ms_min", round(r.timing().min() * 1e3));
        metrics.put("ms_max", round(r.timing().max() * 1e3));
        return new BenchResult("gemm", params, metrics, MachineLine.describe(device.toString()), java.time.Instant.now().toString());
    }

    static double round(double v) {
        return Gemm.round(v);
    }
}
