package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.io.StateDictReader;
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

/** {@code model convert DIR}: writes model.safetensors next to a folder's pytorch_model.bin (or its shards). */
@Command(name = "convert", description = "Write model.safetensors from a folder's pytorch_model.bin (read safely: tensors only), atomically.")
final class ModelConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "A HF checkpoint folder with pytorch_model.bin or pytorch_model.bin.index.json.")
    Path dir;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        StateDictReader.Conversion c = StateDictReader.convertToSafetensors(dir);
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", c.file().toAbsolutePath().toString());
            m.put("from", c.from().file);
            m.put("written", c.written());
            m.put("tensors", c.tensors());
            m.put("bytes", c.bytes());
            m.put("seconds", Math.round(seconds * 1000) / 1000.0);
            out.println(ConfigSources.toJson(m));
        } else if (c.written()) {
            out.printf("%s: %d tensors from %s, %s in %.1f s%n", c.file(), c.tensors(), c.from().file, MachineInfo.humanBytes(c.bytes()), seconds);
        } else {
            out.printf("%s already holds %s weights (%s); nothing to convert%n", dir, c.from().file, c.file().getFileName());
        }
        out.flush();
        return Main.OK;
    }
}
