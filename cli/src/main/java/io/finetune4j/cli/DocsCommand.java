package io.finetune4j.cli;

import io.finetune4j.config.ArgumentDocs;
import io.finetune4j.tasks.ArgumentSections;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Generates documentation from the code: {@code docs arguments > docs/ARGUMENTS.md}. */
@Command(name = "docs", description = "Print generated documentation (arguments: the table of every config argument).")
final class DocsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "What to print: arguments.", paramLabel = "TOPIC")
    String topic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!topic.equals("arguments")) {
            throw new io.finetune4j.BadInputException("unknown docs topic '" + topic + "'; the topics are: arguments");
        }
        spec.commandLine().getOut().print(ArgumentSections.markdown());
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
