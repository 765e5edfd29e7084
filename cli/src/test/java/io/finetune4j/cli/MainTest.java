package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line errors, through the real command line. */
class MainTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsCommands() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("doctor") && r.out().contains("config"), r.out());
    }

    @Test
    void unknownCommandIsBadUsageWithSuggestion() {
        Result r = run("doctr");
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("did you mean 'doctor'?"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void configFlagOverridesFile() throws Exception {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "learning_rate: 2.0e-5\nseed: 1\n");
        Result r = run("config", "--config", yaml.toString(), "--learning_rate", "3e-5", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"learning_rate\" : 3.0E-5"), r.out());
        assertTrue(r.out().contains("\"seed\" : 1"), r.out());
    }

    @Test
    void unknownConfigKeyExitsTwoWithOneLine() throws Exception {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "num_train_epoch: 3\n");
        Result r = run("config", "--config", yaml.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("error: unknown argument 'num_train_epoch' in " + yaml + " or flags; did you mean 'num_train_epochs'?",
                r.err().strip());
    }

    @Test
    void missingConfigFileExitsTwo() {
        Result r = run("config", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("error: config file not found: "), r.err());
    }

    @Test
    void runtimeFailureExitsOneAndVerboseAddsTheStackTrace() {
        StringWriter quiet = new StringWriter();
        assertEquals(Main.FAILURE, Main.report(new IllegalStateException("disk full"), false, new PrintWriter(quiet, true)));
        assertEquals("error: disk full (run with --verbose for details)", quiet.toString().strip());
        StringWriter loud = new StringWriter();
        assertEquals(Main.FAILURE, Main.report(new IllegalStateException("disk full"), true, new PrintWriter(loud, true)));
        assertTrue(loud.toString().contains("at io.finetune4j"), loud.toString());
    }

    @Test
    void doctorLoadsTheEngineOffline() {
        Result r = run("doctor", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"pytorch\" : \"2.10.0\""), r.out());
        assertTrue(r.out().contains("\"default_device\" : \"cpu\""), r.out());
        assertTrue(r.out().contains("\"offline\" : true"), r.out());
    }

    @Test
    void docsArgumentsPrintsEveryArgument() {
        Result r = run("docs", "arguments");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("| `learning_rate` | float | `5.0E-5` |"), r.out());
    }
}
