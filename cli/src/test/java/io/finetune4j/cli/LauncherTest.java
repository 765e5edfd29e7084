package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/finetune4j on a fresh copy of the sources: the first call builds the jar, a second call
 * reuses it, and an edited source triggers a rebuild. Runs the real launcher, Maven and JVM.
 */
class LauncherTest {
    @TempDir
    Path clone;

    record Run(int code, String out, String err) {}

    @Test
    void buildsWhenMissingReusesWhenFreshRebuildsWhenStale() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        // The build: the parent pom and each module's pom and main sources.
        Files.copy(repo.resolve("pom.xml"), clone.resolve("pom.xml"));
        try (Stream<Path> modules = Files.list(repo)) {
            for (Path module : (Iterable<Path>) modules.filter(d -> Files.isRegularFile(d.resolve("pom.xml")))::iterator) {
                Path name = module.getFileName();
                Files.createDirectories(clone.resolve(name));
                Files.copy(module.resolve("pom.xml"), clone.resolve(name).resolve("pom.xml"));
                copyTree(module.resolve("src/main"), clone.resolve(name).resolve("src/main"));
            }
        }
        copyTree(repo.resolve("bin"), clone.resolve("bin"));
        clone.resolve("bin/finetune4j").toFile().setExecutable(true);
        Path jar = clone.resolve("cli/target/finetune4j.jar");

        Run first = launch("--help");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("building the jar"), "first call builds: " + first.err());
        assertTrue(first.out().contains("doctor"), "help lists the commands: " + first.out());
        assertTrue(Files.isRegularFile(jar));

        Run second = launch("--version");
        assertEquals(0, second.code(), second.err());
        assertFalse(second.err().contains("building"), "fresh jar is reused: " + second.err());

        Path source = clone.resolve("cli/src/main/java/io/finetune4j/cli/Main.java");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(5)));
        Run third = launch("doctor");
        assertEquals(0, third.code(), third.err());
        assertTrue(third.err().contains("building the jar"), "edited source triggers a rebuild: " + third.err());
        assertTrue(third.out().contains("libtorch   2.10"), third.out());
        assertTrue(third.out().contains("natives linux-x86_64 "), "the default build carries the CPU natives: " + third.out());
    }

    private Run launch(String... args) throws IOException, InterruptedException {
        return launch(java.util.Map.of(), args);
    }

    private Run launch(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(clone.resolve("bin/finetune4j").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(clone.toFile());
        pb.environment().put("FINETUNE4J_HOME", clone.resolve("cache").toString());
        pb.environment().putAll(env);
        Path out = clone.resolve("out.txt");
        Path err = clone.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("launcher timed out");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
