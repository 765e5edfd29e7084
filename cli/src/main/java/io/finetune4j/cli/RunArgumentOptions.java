package io.finetune4j.cli;

import io.finetune4j.tasks.RunArguments;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option of the commands that resolve a run's arguments (train, config). The
 * {@code --argument value} flags stay an {@code @Unmatched} field of each command: picocli does not collect
 * unmatched arguments into a mixin.
 */
final class RunArgumentOptions {
    @Option(names = "--config", description = "YAML or JSON file of arguments (HF names).")
    Path config;

    /** The arguments a run uses: the config file, then the flags over it. */
    RunArguments resolve(List<String> flags) {
        return RunArguments.fromConfigAndFlags(config, flags);
    }
}
