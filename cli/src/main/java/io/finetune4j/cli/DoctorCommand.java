package io.finetune4j.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.finetune4j.config.ConfigSources;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import io.finetune4j.util.Devices;
import io.finetune4j.util.MachineInfo;
import io.finetune4j.util.TorchInstall;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Checks the installation: Java, DJL, PyTorch, devices, threads, and what the cache holds. */
@Command(name = "doctor", description = "Check Java, DJL/PyTorch, devices and the cache.")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("java", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
        report.put("java_home", System.getProperty("java.home"));
        report.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        report.put("cpu", MachineInfo.cpuModel());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        report.put("djl", Engine.getDjlVersion());
        report.put("offline", Boolean.getBoolean("ai.djl.offline"));
        report.put("allow_download", System.getenv(TorchInstall.ALLOW_DOWNLOAD) != null ? System.getenv(TorchInstall.ALLOW_DOWNLOAD) : "");

        Engine engine = null;
        String engineError = null;
        try {
            engine = Devices.engine();
        } catch (Devices.EngineUnavailableException e) {
            engineError = e.getMessage();
        }
        Map<String, Object> libtorch = new LinkedHashMap<>();
        if (engine != null) {
            TorchInstall.Info info = TorchInstall.describe(engine);
            report.put("engine", engine.getEngineName());
            report.put("pytorch", engine.getVersion());
            libtorch.put("path", info.path());
            libtorch.put("version", info.version());
            libtorch.put("flavor", info.flavor());
            libtorch.put("source", info.source());
            libtorch.put("bundled_on_classpath", TorchInstall.bundledOnClasspath());
            libtorch.put("gpus_visible", info.gpusVisible());
            libtorch.put("gpus_usable", info.gpusUsable());
            libtorch.put("hints", info.hints());
            report.put("libtorch", libtorch);
            report.put("default_device", engine.defaultDevice().toString());
            report.put("gpus", engine.getGpuCount());
            report.put("devices", Arrays.stream(engine.getDevices()).map(Device::toString).toList());
            report.put("intra_op_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
            report.put("inter_op_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
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

        int code = engine != null ? Main.OK : Main.FAILURE;
        if (json) {
            out.println(ConfigSources.toJson(report));
            out.flush();
            return code;
        }
        out.println("finetune4j doctor");
        out.printf("  java       %s%n", report.get("java"));
        out.printf("  os         %s, %s cores, %s%n", report.get("os"), report.get("cores"), report.get("cpu"));
        out.printf("  djl        %s (offline=%s%s)%n", report.get("djl"), report.get("offline"),
                Boolean.getBoolean("ai.djl.offline") ? "; " + TorchInstall.ALLOW_DOWNLOAD + "=1 lets DJL fetch libtorch" : "");
        if (engine != null) {
            out.printf("  pytorch    %s%n", report.get("pytorch"));
            out.printf("  libtorch   %s, %s, from %s%n", libtorch.get("flavor"), libtorch.get("version"), libtorch.get("source"));
            out.printf("             %s%n", libtorch.get("path"));
            out.printf("  device     %s (GPUs: %s usable, %s visible to CUDA)%n", report.get("default_device"), report.get("gpus"),
                    libtorch.get("gpus_visible"));
            out.printf("  threads    intra-op %s, inter-op %s%n", report.get("intra_op_threads"), report.get("inter_op_threads"));
        } else {
            out.printf("  libtorch   not loaded: %s%n", engineError);
        }
        out.printf("  cache      %s [%s]%n", cacheInfo.get("root"), cacheInfo.get("from"));
        printEntries(out, "models", cacheInfo.get("models"));
        printEntries(out, "datasets", cacheInfo.get("datasets"));
        out.printf("    map cache %s%n", MachineInfo.humanBytes((Long) cacheInfo.get("map_cache_bytes")));
        for (Object hint : (List<?>) libtorch.get("hints")) {
            out.println("  hint: " + hint);
        }
        out.flush();
        if (engine != null) {
            out.println("ok: the engine loads");
        } else {
            spec.commandLine().getErr().println("error: the PyTorch engine did not load (see the hints above)");
        }
        return code;
    }

    @SuppressWarnings("unchecked")
    private static void printEntries(PrintWriter out, String title, Object entries) {
        List<Map<String, Object>> list = (List<Map<String, Object>>) entries;
        if (list.isEmpty()) {
            out.printf("    %-9s (none)%n", title);
        }
        for (Map<String, Object> e : list) {
            out.printf("    %-9s %s  %s%n", title, e.get("name"), MachineInfo.humanBytes((Long) e.get("bytes")));
        }
    }

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
