package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand of the real tree answers -h and --help: exit 0, usage on stdout, nothing on stderr. */
class HelpTreeTest {
    record Result(int code, String out, String err) {}

    static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    /** The command paths of the whole tree (root first), each command once even when it has aliases. */
    static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths, Collections.newSetFromMap(new IdentityHashMap<>()));
        return paths;
    }

    private static void walk(CommandLine cli, List<String> path, List<List<String>> paths, Set<Object> seen) {
        if (!seen.add(cli.getCommandSpec())) {
            return;
        }
        paths.add(List.copyOf(path));
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> next = new ArrayList<>(path);
            next.add(sub.getCommandName()); // the primary name, not an alias
            walk(sub, next, paths, seen);
        });
    }

    @Test
    void everyCommandAnswersHelp() {
        List<List<String>> paths = commandPaths();
        assertTrue(paths.size() > 15, "the tree has its commands: " + paths);
        List<String> failures = new ArrayList<>();
        for (List<String> path : paths) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                Result r = run(args);
                String name = String.join(" ", ("finetune4j " + String.join(" ", path)).strip().split(" "));
                if (r.code() != 0 || !r.out().contains("Usage: " + name) || !r.err().isEmpty()) {
                    failures.add(args + " -> exit " + r.code() + ", stdout: " + r.out().lines().findFirst().orElse("") + ", stderr: " + r.err().strip());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void helpWinsOverMissingRequiredOptionsAndPositionals() {
        for (List<String> args : List.of(List.of("tokenize", "--help"), List.of("bench", "train-step", "--help"),
                List.of("bench", "gemm", "--repeat", "3", "-h"), List.of("evaluate", "--help"), List.of("data", "show", "--help"),
                List.of("model", "show", "--help"), List.of("model", "fetch", "-h"), List.of("serve", "--help"))) {
            Result r = run(args);
            assertEquals(0, r.code(), args + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: finetune4j " + args.get(0)), args + ": " + r.out());
        }
    }

    @Test
    void trainAndConfigListTheHfArgumentsTheirFlagsBindTo() {
        for (String command : List.of("train", "config")) {
            for (List<String> args : List.of(List.of(command, "--help"), List.of(command, "--learning_rate", "3e-5", "--help"))) {
                Result r = run(args);
                assertEquals(0, r.code(), args + ": " + r.err());
                assertFalse(r.err().contains("unknown argument"), r.err());
                for (String name : List.of("model_name_or_path", "max_seq_length", "label_column_name", "learning_rate",
                        "resume_from_checkpoint", "TrainingArguments:")) {
                    assertTrue(r.out().contains(name), args + " lists " + name + ": " + r.out());
                }
            }
        }
    }
}
