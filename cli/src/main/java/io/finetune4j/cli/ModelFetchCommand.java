package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.util.MachineInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Makes a model available locally: {@code model fetch bert-base-uncased} fetches and converts it into
 * the cache once, later calls only report the cached folder.
 */
@Command(name = "fetch", description = "Fetch a known model (e.g. bert-base-uncased) into the cache as a Hugging Face folder.")
final class ModelFetchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A known model name (bert-base-uncased) or a model folder.")
    String model;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Cache cache = Cache.standard();
        boolean wasCached = PretrainedModels.find(model).map(m -> PretrainedModels.isComplete(cache.model(m.name()))).orElse(true);
        long t0 = System.nanoTime();
        Path dir = PretrainedModels.resolve(model, cache);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int tensors = SafeTensors.readCheckpoint(dir).size();
        long bytes = AtomicFiles.sizeOf(dir);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("path", dir.toAbsolutePath().toString());
        report.put("fetched", !wasCached);
        report.put("tensors", tensors);
        report.put("bytes", bytes);
        report.put("seconds", Math.round(seconds * 1000) / 1000.0);
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            out.println(ConfigSources.toJson(report));
        } else {
            out.printf("%s: %s%n", model, dir.toAbsolutePath());
            out.printf("  %d tensors, %s, %s in %.1f s%n", tensors, MachineInfo.humanBytes(bytes),
                    wasCached ? "already cached, resolved" : "fetched and converted", seconds);
        }
        out.flush();
        return Main.OK;
    }
}
