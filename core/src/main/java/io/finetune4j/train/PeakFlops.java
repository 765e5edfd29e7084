package io.finetune4j.train;

import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import io.finetune4j.util.CpuShare;
import io.finetune4j.util.Gemm;
import io.finetune4j.util.MachineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MFU denominator by default: the device's best float32 matmul rate over several shapes that BERT
 * training runs (feed-forward up and down at 16 × 160 tokens, the attention projections, a square
 * 2048 gemm), each after a warm-up, fastest of ten runs. It is measured once per machine and kept in
 * the cache ({@code machine/peak-flops-KEY.json}, the key made of device, CPU model, thread count and
 * libtorch version), so every run on the machine divides by the same number. A measurement during which
 * other processes used more than {@link #BUSY_SHARE} of the CPUs ({@link CpuShare}) measured the sharing,
 * not the machine: it serves that run but is not cached. {@link MfuCeiling} raises the ceiling for the
 * run when training goes faster still; a raise is not written back, so a step whose FLOPs were miscounted
 * cannot lower every later run's MFU.
 */
public final class PeakFlops {
    private static final Logger LOG = LoggerFactory.getLogger(PeakFlops.class);
    /** M×K×N shapes; the first is what {@code bench gemm} measures by default. */
    static final List<int[]> SHAPES = List.of(new int[] {2560, 768, 3072}, new int[] {2560, 3072, 768},
            new int[] {2560, 768, 768}, new int[] {2048, 2048, 2048});
    static final int WARMUP = 3;
    static final int REPEAT = 10;

    private PeakFlops() {}

    /** The cached float32 ceiling for this machine, measuring (and caching) it the first time. */
    public static MfuCeiling ceiling(Device device) {
        return ceiling(device, DType.FLOAT32, Cache.standard());
    }

    /**
     * The ceiling for matmuls in {@code dtype} (float32; bfloat16 or float16 when training under that autocast): the
     * same shapes timed in that dtype, so MFU divides by what this machine's matmuls reach in the dtype training uses.
     */
    public static MfuCeiling ceiling(Device device, DType dtype) {
        return ceiling(device, dtype, Cache.standard());
    }

    static MfuCeiling ceiling(Device device, Cache cache) {
        return ceiling(device, DType.FLOAT32, cache);
    }

    static MfuCeiling ceiling(Device device, DType dtype, Cache cache) {
        Path file = cache.machine().resolve("peak-flops-" + machineKey(device, dtype) + ".json");
        Double cached = read(file);
        if (cached != null) {
            return new MfuCeiling(cached, "cached in " + file);
        }
        LOG.info("measuring this machine's {} matmul ceiling for MFU (once; cached in {})", dtype, file);
        CpuShare before = CpuShare.sample();
        double peak = measure(device, dtype);
        double others = CpuShare.othersSince(before, CpuShare.sample());
        if (!keep(others)) {
            LOG.info("other processes used {}% of the CPUs while the matmul ceiling was measured; it is used for this run only, not cached (the next run measures again)",
                    String.format("%.0f", 100 * others));
            return new MfuCeiling(peak, "measured now on a busy machine, not cached");
        }
        store(file, device, peak, "measured on an idle machine (other processes: " + (Double.isNaN(others) ? "unknown" : String.format("%.1f%%", 100 * others)) + " of the CPUs)");
        return new MfuCeiling(peak, "measured now");
    }

    /** Share of the CPUs other processes may use during the measurement for it to be cached. */
    static final double BUSY_SHARE = 0.10;

    /** Whether a measurement during which others used {@code othersShare} of the CPUs is the machine's own. */
    static boolean keep(double othersShare) {
        return Double.isNaN(othersShare) || othersShare <= BUSY_SHARE;
    }

    /** Writes the cache file; a failure only costs a new measurement next time. */
    static void store(Path file, Device device, double peak, String how) {
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("peak_flops", peak);
            json.put("how", how);
            json.put("device", device.toString());
            json.put("cpu_model", MachineInfo.cpuModel());
            json.put("threads", threads());
            json.put("libtorch", Torch.version());
            json.put("shapes", SHAPES);
            AtomicFiles.writeString(file, Checkpoints.JSON.writeValueAsString(json) + "\n");
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not cache the matmul ceiling in {}: {}", file, e.toString());
        }
    }

    /** Best float32 FLOP/s over {@link #SHAPES}, no cache. */
    public static double measure(Device device) {
        return measure(device, DType.FLOAT32);
    }

    /** Best FLOP/s in {@code dtype} over {@link #SHAPES}, no cache. */
    public static double measure(Device device, DType dtype) {
        try {
            double best = 0;
            for (int[] s : SHAPES) {
                Gemm.Result r = gemm(device, dtype, s[0], s[1], s[2]);
                best = Math.max(best, 2.0 * s[0] * s[1] * s[2] / r.timing().min());
            }
            return best;
        } catch (Exception e) {
            throw new IllegalStateException("could not measure the matmul ceiling: " + e.getMessage(), e);
        }
    }

    /**
     * Times one float32 M×K by K×N {@code torch.matmul} on {@code device} ({@link #WARMUP} warm-ups, {@link #REPEAT}
     * runs), each waiting for its result (reading one element is a device sync on a GPU).
     */
    static Gemm.Result gemm(Device device, int m, int k, int n) throws Exception {
        return gemm(device, DType.FLOAT32, m, k, n);
    }

    /** {@link #gemm(Device, int, int, int)} in {@code dtype}. */
    static Gemm.Result gemm(Device device, DType dtype, int m, int k, int n) throws Exception {
        try (Scope operands = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            Tensor a = Tensor.randn(DType.FLOAT32, m, k).to(device).to(dtype);
            Tensor b = Tensor.randn(DType.FLOAT32, k, n).to(device).to(dtype);
            return Gemm.measure(m, k, n, WARMUP, REPEAT, () -> {
                try (Scope step = Scope.open()) {
                    a.matmul(b).select(0, 0).select(0, 0).item();
                }
            });
        }
    }

    /** Device, CPU model, intra-op threads, libtorch version and BLAS (float32), as a file-name-safe string. */
    static String machineKey(Device device) {
        return machineKey(device, DType.FLOAT32);
    }

    /** {@link #machineKey(Device)} for matmuls in {@code dtype} (float32 keeps its earlier key). */
    static String machineKey(Device device, DType dtype) {
        String raw = device + "-" + MachineInfo.cpuModel() + "-" + threads() + "t-libtorch" + Torch.version() + "-" + Torch.blas()
                + (dtype == DType.FLOAT32 ? "" : "-" + dtype);
        return raw.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    private static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null && omp.matches("\\d+")) {
            return Integer.parseInt(omp);
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static Double read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Object v = Checkpoints.readMap(file).get("peak_flops");
            return v instanceof Number n && n.doubleValue() > 0 ? n.doubleValue() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
