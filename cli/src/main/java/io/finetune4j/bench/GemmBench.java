package io.finetune4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.finetune4j.util.Gemm;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bench gemm}: the matmul ceiling ({@link Gemm}) as a benchmark result line. */
public final class GemmBench {
    private GemmBench() {}

    public static BenchResult bench(Device device, int m, int k, int n, int warmup, int repeat) throws Exception {
        return bench(device, DataType.FLOAT32, m, k, n, warmup, repeat);
    }

    public static BenchResult bench(Device device, DataType dtype, int m, int k, int n, int warmup, int repeat) throws Exception {
        Gemm.Result r = Gemm.run(device, dtype, m, k, n, warmup, repeat);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("m", m);
        params.put("k", k);
        params.put("n", n);
        if (dtype != DataType.FLOAT32) {
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
