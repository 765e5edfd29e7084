package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.tasks.RunArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Resolves a config file plus flags into the full argument set and prints it, so users can see
 * what a run will use before starting it: {@code config --config c.yaml --learning_rate 3e-5}.
 */
@Command(name = "config", description = {"Print the resolved arguments of a run from --config FILE and --flags.", "As YAML, or JSON with --json."})
final class ConfigCommand implements Callable<Integer>, Help.TakesArgumentFlags {
    @Mixin
    RunArgumentOptions run = new RunArgumentOptions();

    @Mixin
    JsonOption json;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunArguments args = run.resolve(flags); // exactly what train would use
        Map<String, Object> all = new java.util.LinkedHashMap<>();
        for (Object section : List.of(args.model(), args.data(), args.training(), args.callbacks(), args.unfreeze())) {
            all.putAll(ArgumentBinder.toMap(section));
        }
        spec.commandLine().getOut().print(json.on() ? ConfigSources.toJson(all) + "\n" : ConfigSources.toYaml(all));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
