package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.Cache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch's own C++ log lines (written to file descriptor 2 by C++, past System.err; {@code [W …]} for warnings)
 * stay off the user's terminal on a train-and-resume run: the CLI sets libtorch's log level to ERROR unless
 * --verbose ({@code TorchLoggingTest} checks the level itself). Runs the CLI as its own JVM for that reason.
 * (On DJL's engine a resume printed "AutoNonVariableTypeMode is deprecated"; JavaCPP's libtorch 2.10 prints nothing.)
 */
class TorchWarningTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    Run cli(Path cache, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Cache.PROPERTY + "=" + cache, "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finetune4j " + args + " timed out");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aResumePrintsNoLibtorchLogLines() throws Exception {
        Path cache = TinyCache.create(tmp.resolve("cache"));
        Path run = tmp.resolve("run");
        List<String> train = new ArrayList<>(List.of("train", "--config", "configs/imdb-quick.yaml", "--output_dir", run.toString(),
                "--save_strategy", "steps", "--save_steps", "1", "--eval_strategy", "no", "--report_to", "none"));
        train.addAll(ReadmeExamplesTest.TINY_TRAIN);
        List<String> first = new ArrayList<>(train);
        first.addAll(List.of("--max_steps", "1"));
        Run r = cli(cache, first);
        assertEquals(0, r.code(), r.err());

        List<String> resume = new ArrayList<>(train);
        resume.addAll(List.of("--max_steps", "2", "--resume_from_checkpoint", "true", "--overwrite_output_dir", "false"));
        Run quiet = cli(cache, resume);
        assertEquals(0, quiet.code(), quiet.err());
        assertFalse(quiet.err().lines().anyMatch(l -> l.matches("^\\[[WIE]\\d.*")), "libtorch's log reached stderr: " + quiet.err());
    }
}
