package io.finetune4j.cli;

import picocli.CommandLine.Option;

/** {@code --json}, declared once and mixed into every command that can print JSON; a command's description says its shape. */
final class JsonOption {
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    boolean on() {
        return json;
    }
}
