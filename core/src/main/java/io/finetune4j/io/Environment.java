package io.finetune4j.io;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.EngineUnavailableException;
import io.finetune4j.torch.Torch;
import io.finetune4j.util.MachineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code finetune4j doctor} reports: Java, the machine, libtorch (which natives loaded from where, or why none
 * loaded, with what to do), devices, threads, whether the CPU computes bfloat16 natively, and what the cache holds.
 * {@link #probe()} looks; the caller prints.
 *
 * @param report every fact by its JSON key (doctor --json prints it as is): java, java_home, os, cpu, cores,
 *     max_heap_mb, offline, then engine, pytorch, default_device, gpus, devices, intra_op_threads, inter_op_threads,
 *     cpu_bf16 when libtorch loaded; libtorch (version, natives, library, javacpp_cache, gpus_visible, gpus_usable,
 *     hints; or error, hints) and cache (root, from, models, datasets, map_cache_bytes)
 * @param engineError why libtorch did not load, or null when it did
 */
public record Environment(Map<String, Object> report, String engineError) {
    /** The Maven option that builds with libtorch's CUDA natives (README, 'Running on a CUDA GPU'). */
    public static final String GPU_BUILD = "mvn -B -ntp -Pgpu -DskipTests package";

    public Environment {
        report = Collections.unmodifiableMap(new LinkedHashMap<>(report));
    }

    /** Looks at this JVM, libtorch (loading it) and the standard cache. */
    public static Environment probe() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("java", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
        report.put("java_home", System.getProperty("java.home"));
        report.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        report.put("cpu", MachineInfo.cpuModel());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        report.put("offline", Boolean.getBoolean("ai.djl.offline"));

        String engineError = null;
        try {
            Torch.load();
        } catch (EngineUnavailableException e) {
            engineError = e.getMessage();
        }
        Map<String, Object> libtorch = new LinkedHashMap<>();
        int visible = gpusVisible();
        List<String> bf16 = Torch.cpuBf16Flags();
        if (engineError == null) {
            report.put("engine", "libtorch (JavaCPP)");
            report.put("pytorch", Torch.version());
            int usable = Torch.cudaDeviceCount();
            String natives = Torch.nativesClassifier();
            libtorch.put("version", Torch.version());
            libtorch.put("natives", natives);
            libtorch.put("blas", Torch.blas());
            libtorch.put("library", Torch.loadedLibrary());
            libtorch.put("javacpp_cache", cacheDir());
            libtorch.put("gpus_visible", visible);
            libtorch.put("gpus_usable", usable);
            List<String> hints = new ArrayList<>();
            if (usable > 0) {
                hints.add("computing on cuda:0; use_cpu: true (or --use_cpu) forces the CPU");
            } else if (visible > 0 && !natives.endsWith("-gpu")) {
                hints.add(visible + " GPU(s) visible to the NVIDIA driver, but this build has libtorch's CPU natives: build with '"
                        + GPU_BUILD + "' (README.md, 'Running on a CUDA GPU')");
            } else if (visible > 0) {
                hints.add(visible + " GPU(s) visible, but libtorch's CUDA 13.1 build cannot use them (an NVIDIA driver 580 or newer is needed):"
                        + " computing on the CPU");
            } else {
                hints.add("no NVIDIA GPU visible: everything runs on the CPU");
            }
            hints.add(bf16.isEmpty()
                    ? "this CPU has no native bfloat16 (avx512_bf16 or amx_bf16): bf16: true works but is slower than float32 here"
                    : "this CPU computes bfloat16 natively (" + String.join(", ", bf16) + "): bf16: true trains faster than float32");
            libtorch.put("hints", hints);
            report.put("libtorch", libtorch);
            report.put("default_device", device(false).toString());
            report.put("gpus", usable);
            List<String> devices = new ArrayList<>();
            for (int i = 0; i < usable; i++) {
                devices.add(Device.cuda(i).toString());
            }
            devices.add(Device.cpu().toString());
            report.put("devices", devices);
            report.put("intra_op_threads", Torch.numThreads());
            report.put("inter_op_threads", Torch.numInteropThreads());
        } else {
            libtorch.put("error", engineError);
            libtorch.put("gpus_visible", visible);
            List<String> hints = new ArrayList<>();
            hints.add("JavaCPP extracts libtorch into " + cacheDir() + " on the first run: it must be writable and have ~500 MB free"
                    + " (-Dorg.bytedeco.javacpp.cachedir=DIR moves it)");
            if (visible == 0) {
                hints.add("a build with -Pgpu needs an NVIDIA driver; on this machine build without it: mvn -B -ntp -DskipTests package");
            }
            libtorch.put("hints", hints);
            report.put("libtorch", libtorch);
        }
        report.put("cpu_bf16", bf16);

        Cache cache = Cache.standard();
        Map<String, Object> cacheInfo = new LinkedHashMap<>();
        cacheInfo.put("root", cache.root().toString());
        cacheInfo.put("from", System.getProperty(Cache.PROPERTY) != null ? "-D" + Cache.PROPERTY
                : System.getenv(Cache.ENV) != null ? "$" + Cache.ENV : "default (~/.cache/finetune4j)");
        cacheInfo.put("models", entries(cache.models()));
        cacheInfo.put("datasets", entries(cache.datasets()));
        cacheInfo.put("map_cache_bytes", AtomicFiles.sizeOf(cache.mapCache()));
        report.put("cache", cacheInfo);
        return new Environment(report, engineError);
    }

    /**
     * The device to compute on: {@code cuda:0} when libtorch can use a CUDA device, else {@code cpu}; {@code useCpu}
     * (HF's {@code use_cpu}) forces the CPU. Loads libtorch either way, so its log level is set before any tensor.
     */
    public static Device device(boolean useCpu) {
        int gpus = Torch.cudaDeviceCount();
        if (useCpu || gpus == 0) {
            return Device.cpu();
        }
        // several ranks on one machine (torchrun's LOCAL_RANK): one GPU each, cuda:LOCAL_RANK, as HF's TrainingArguments
        String localRank = System.getenv("LOCAL_RANK");
        int local = 0;
        if (localRank != null && !localRank.isBlank()) {
            try {
                local = Integer.parseInt(localRank.strip());
            } catch (NumberFormatException e) {
                throw new BadInputException("LOCAL_RANK='" + localRank + "' is not a whole number");
            }
        }
        if (local >= gpus) {
            throw new BadInputException("LOCAL_RANK=" + local + " but this machine shows " + gpus + " GPU(s): start at most one rank per GPU "
                    + "(--nproc_per_node " + gpus + "), or train on the CPU with use_cpu=true");
        }
        return Device.cuda(local);
    }

    /** A user-given device name ({@code cpu}, {@code cuda:N}, or the older {@code gpu:N}); bad input otherwise. */
    public static Device parseDevice(String name) {
        Torch.load();
        try {
            return Device.parse(name);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** GPUs the NVIDIA driver shows ({@code /proc/driver/nvidia/gpus/*}), whatever libtorch build is loaded. */
    static int gpusVisible() {
        Path gpus = Path.of("/proc/driver/nvidia/gpus");
        if (!Files.isDirectory(gpus)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(gpus)) {
            return (int) s.count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String cacheDir() {
        try {
            return Torch.cacheDir().toString();
        } catch (IOException | RuntimeException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    /** Whether libtorch loaded. */
    public boolean engineLoaded() {
        return engineError == null;
    }

    /** The libtorch facts (or the error and hints when it did not load). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> libtorch() {
        return (Map<String, Object>) report.get("libtorch");
    }

    /** What to do: hints about libtorch, GPUs and bfloat16 (may be empty). */
    public List<String> hints() {
        return ((List<?>) libtorch().get("hints")).stream().map(String::valueOf).toList();
    }

    /** The cache's root, where its location came from, its models and data sets (name, bytes) and the map cache's size. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> cache() {
        return (Map<String, Object>) report.get("cache");
    }

    /** One cache folder's entries: name and size in bytes (half-written temporary entries left out). */
    private static List<Map<String, Object>> entries(Path dir) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> !p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)).sorted().forEach(p -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", p.getFileName().toString());
                e.put("bytes", AtomicFiles.sizeOf(p));
                out.add(e);
            });
        } catch (IOException ignored) {
            // an unreadable cache folder shows as empty
        }
        return out;
    }
}
