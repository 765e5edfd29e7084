package io.finetune4j.cli;

import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.tasks.ArgumentSections;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code -h}/{@code --help} on every command, and the list of HF arguments under the commands that take them as flags. */
final class Help {
    private Help() {}

    /** Commands whose {@code --argument value} flags bind to the HF argument classes (train, config). */
    interface TakesArgumentFlags {}

    static void install(CommandLine root) {
        Set<CommandSpec> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        install(root, seen);
    }

    private static void install(CommandLine cli, Set<CommandSpec> seen) {
        CommandSpec spec = cli.getCommandSpec();
        if (!seen.add(spec)) {
            return; // aliases list a command more than once
        }
        if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.").build());
        }
        if (spec.userObject() instanceof TakesArgumentFlags) {
            spec.usageMessage().footer(argumentsFooter());
        }
        for (CommandLine sub : cli.getSubcommands().values()) {
            install(sub, seen);
        }
    }

    /** Every argument name a config file or flag may set, by section (details: docs/ARGUMENTS.md, finetune4j docs arguments). */
    static String[] argumentsFooter() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Any argument below may be given as --name value (HF names; the flag wins over --config).");
        lines.add("Types, defaults and meanings: docs/ARGUMENTS.md (finetune4j docs arguments).");
        for (Map.Entry<String, Object> section : ArgumentSections.all().entrySet()) {
            List<String> names = ArgumentBinder.describe(section.getValue().getClass()).stream().map(ArgumentBinder.ArgInfo::name).toList();
            lines.add("");
            lines.add(section.getKey() + ":");
            lines.addAll(wrap(names, 78)); // picocli wraps at 80 columns
        }
        return lines.toArray(String[]::new);
    }

    private static List<String> wrap(List<String> words, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder("  ");
        for (String w : words) {
            if (line.length() > 2 && line.length() + w.length() + 2 > width) {
                lines.add(line.append(',').toString());
                line = new StringBuilder("  ");
            }
            line.append(line.length() > 2 ? ", " : "").append(w);
        }
        if (line.length() > 2) {
            lines.add(line.toString());
        }
        return lines;
    }
}
