package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.io.Environment;
import io.finetune4j.util.MachineInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the installation check ({@link Environment}): Java, libtorch, devices, bf16, threads, and what the cache holds. */
@Command(name = "doctor", description = "Check Java, libtorch (which natives loaded), devices, native bf16 and the cache.")
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Environment env = Environment.probe();
        Map<String, Object> report = env.report();
        Map<String, Object> libtorch = env.libtorch();
        Map<String, Object> cache = env.cache();
        int code = env.engineLoaded() ? Main.OK : Main.FAILURE;
        if (json.on()) {
            out.println(ConfigSources.toJson(report));
            out.flush();
            return code;
        }
        out.println("finetune4j doctor");
        out.printf("  java       %s%n", report.get("java"));
        out.printf("  os         %s, %s cores, %s%n", report.get("os"), report.get("cores"), report.get("cpu"));
        if (env.engineLoaded()) {
            out.printf("  libtorch   %s, natives %s (JavaCPP), BLAS %s%n", libtorch.get("version"), libtorch.get("natives"), libtorch.get("blas"));
            out.printf("             %s%n", libtorch.get("library"));
            out.printf("  device     %s (GPUs: %s usable, %s visible to the NVIDIA driver)%n", report.get("default_device"), report.get("gpus"),
                    libtorch.get("gpus_visible"));
            List<?> bf16 = (List<?>) report.get("cpu_bf16");
            out.printf("  bf16       %s%n", bf16.isEmpty() ? "no native bfloat16 on this CPU" : "native (" + String.join(", ", bf16.stream().map(String::valueOf).toList()) + ")");
            out.printf("  threads    intra-op %s, inter-op %s%n", report.get("intra_op_threads"), report.get("inter_op_threads"));
        } else {
            out.printf("  libtorch   not loaded: %s%n", env.engineError());
        }
        out.printf("  cache      %s [%s]%n", cache.get("root"), cache.get("from"));
        printEntries(out, "models", cache.get("models"));
        printEntries(out, "datasets", cache.get("datasets"));
        out.printf("    map cache %s%n", MachineInfo.humanBytes((Long) cache.get("map_cache_bytes")));
        for (String hint : env.hints()) {
            out.println("  hint: " + hint);
        }
        out.flush();
        if (env.engineLoaded()) {
            out.println("ok: libtorch loads");
        } else {
            spec.commandLine().getErr().println("error: libtorch did not load (see the hints above)");
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
}
