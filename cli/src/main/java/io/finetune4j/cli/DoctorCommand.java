package io.finetune4j.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.finetune4j.config.ConfigSources;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import io.finetune4j.util.Devices;
import io.finetune4j.util.MachineInfo;
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

        Engine engine = Devices.engine(); // throws a one-line error (exit 1) when libtorch cannot load
        report.put("engine", engine.getEngineName());
        report.put("pytorch", engine.getVersion());
        report.put("default_device", engine.defaultDevice().toString());
        report.put("gpus", engine.getGpuCount());
        report.put("devices", Arrays.stream(engine.getDevices()).map(Device::toString).toList());
        report.put("intra_op_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        report.put("inter_op_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());

        Cache cache = Cache.standard();
        Map<String, Object> cacheInfo = new LinkedHashMap<>();
        cacheInfo.put("root", cache.root().toString());
        cacheInfo.put("from", System.getenv(Cache.ENV) != null ? "$" + Cache.ENV : "default (~/.cache/finetune4j)");
        cacheInfo.put("models", entries(cache.models()));
        cacheInfo.put("datasets", entries(cache.datasets()));
        cacheInfo.put("map_cache_bytes", AtomicFiles.sizeOf(cache.mapCache()));
        report.put("cache", cacheInfo);

        if (json) {
            out.println(ConfigSources.toJson(report));
            return Main.OK;
        }
        out.println("finetune4j doctor");
        out.printf("  java       %s%n", report.get("java"));
        out.printf("  os         %s, %s cores, %s%n", report.get("os"), report.get("cores"), report.get("cpu"));
        out.printf("  djl        %s (offline=%s)%n", report.get("djl"), report.get("offline"));
        out.printf("  pytorch    %s%n", report.get("pytorch"));
        out.printf("  device     %s (GPUs: %s)%n", report.get("default_device"), report.get("gpus"));
        out.printf("  threads    intra-op %s, inter-op %s%n", report.get("intra_op_threads"), report.get("inter_op_threads"));
        out.printf("  cache      %s [%s]%n", cacheInfo.get("root"), cacheInfo.get("from"));
        printEntries(out, "models", cacheInfo.get("models"));
        printEntries(out, "datasets", cacheInfo.get("datasets"));
        out.printf("    map cache %s%n", MachineInfo.humanBytes((Long) cacheInfo.get("map_cache_bytes")));
        out.println("ok: the engine loads");
        return Main.OK;
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
