package io.finetune4j.io;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Torch;
import io.finetune4j.util.Devices;
import io.finetune4j.util.MachineInfo;
import io.finetune4j.util.TorchInstall;
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
 * What {@code finetune4j doctor} reports: Java, the machine, DJL and the libtorch it loaded (or why none loaded, with
 * what to do), devices, threads, and what the cache holds. {@link #probe()} looks; the caller prints.
 *
 * @param report every fact by its JSON key (doctor --json prints it as is): java, java_home, os, cpu, cores,
 *     max_heap_mb, djl, offline, allow_download, then engine, pytorch, default_device, gpus, devices, intra_op_threads,
 *     inter_op_threads when the engine loaded; libtorch (path, version, flavor, source, bundled_on_classpath,
 *     gpus_visible, gpus_usable, hints; or error, hints) and cache (root, from, models, datasets, map_cache_bytes)
 * @param engineError why the PyTorch engine did not load, or null when it did
 */
public record Environment(Map<String, Object> report, String engineError) {
    public Environment {
        report = Collections.unmodifiableMap(new LinkedHashMap<>(report));
    }

    /** Looks at this JVM, the engine (loading it) and the standard cache. */
    public static Environment probe() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("java", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
        report.put("java_home", System.getProperty("java.home"));
        report.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        report.put("cpu", MachineInfo.cpuModel());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        report.put("djl", ai.djl.engine.Engine.getDjlVersion()); // BRIDGE: the DJL install, while libtorch comes through it
        report.put("offline", Boolean.getBoolean("ai.djl.offline"));
        report.put("allow_download", System.getenv(TorchInstall.ALLOW_DOWNLOAD) != null ? System.getenv(TorchInstall.ALLOW_DOWNLOAD) : "");

        String engineError = null;
        try {
            Torch.load();
        } catch (Devices.EngineUnavailableException e) {
            engineError = e.getMessage();
        }
        Map<String, Object> libtorch = new LinkedHashMap<>();
        if (engineError == null) {
            TorchInstall.Info info = TorchInstall.describe(Devices.engine()); // BRIDGE: TorchInstall still describes DJL's engine
            report.put("engine", Devices.ENGINE);
            report.put("pytorch", Torch.version());
            libtorch.put("path", info.path());
            libtorch.put("version", info.version());
            libtorch.put("flavor", info.flavor());
            libtorch.put("source", info.source());
            libtorch.put("bundled_on_classpath", TorchInstall.bundledOnClasspath());
            libtorch.put("gpus_visible", info.gpusVisible());
            libtorch.put("gpus_usable", info.gpusUsable());
            libtorch.put("hints", info.hints());
            report.put("libtorch", libtorch);
            int gpus = Devices.cudaDeviceCount();
            report.put("default_device", device(false).toString());
            report.put("gpus", gpus);
            List<String> devices = new ArrayList<>();
            for (int i = 0; i < gpus; i++) {
                devices.add(Device.cuda(i).toString());
            }
            if (gpus == 0) {
                devices.add(Device.cpu().toString());
            }
            report.put("devices", devices);
            report.put("intra_op_threads", Torch.numThreads());
            report.put("inter_op_threads", Torch.numInteropThreads());
        } else {
            libtorch.put("error", engineError);
            libtorch.put("hints", TorchInstall.hintsWhenUnavailable());
            report.put("libtorch", libtorch);
        }

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
     * The device to compute on: {@code cuda:0} when libtorch sees a CUDA device, else {@code cpu}; {@code useCpu}
     * (HF's {@code use_cpu}) forces the CPU. Loads the engine either way, so its log level is set before any tensor.
     */
    public static Device device(boolean useCpu) {
        int gpus = Devices.cudaDeviceCount();
        return useCpu || gpus == 0 ? Device.cpu() : Device.cuda(0);
    }

    /** A user-given device name ({@code cpu}, {@code cuda:N}, or the older {@code gpu:N}); bad input otherwise. */
    public static Device parseDevice(String name) {
        Devices.engine();
        try {
            return Device.parse(name);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Whether the PyTorch engine loaded. */
    public boolean engineLoaded() {
        return engineError == null;
    }

    /** The libtorch facts (or the error and hints when it did not load). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> libtorch() {
        return (Map<String, Object>) report.get("libtorch");
    }

    /** What to do: hints about libtorch, GPUs and downloads (may be empty). */
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
