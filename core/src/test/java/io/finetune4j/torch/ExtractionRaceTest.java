package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue #23's extraction trap: JVMs started together (Spark executors, training ranks) on an empty JavaCPP cache
 * must all load the natives. Four JVMs start at once on a fresh cache directory, each doing a small matmul.
 */
class ExtractionRaceTest {

    @Test
    void fourJvmsOnAnEmptyCacheAllLoad() throws Exception {
        Path root = Files.createTempDirectory("javacpp-cache-race");
        Path cache = Files.createDirectory(root.resolve("cache")); // empty
        try {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            List<Process> procs = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Path log = root.resolve("jvm" + i + ".log");
                logs.add(log);
                procs.add(new ProcessBuilder(java, "-Xmx512m", "-Dorg.bytedeco.javacpp.cachedir=" + cache,
                        "-XX:ErrorFile=" + root.resolve("hs_err_%p.log"),
                        "-cp", cp, MatmulMain.class.getName())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            for (int i = 0; i < procs.size(); i++) {
                Process p = procs.get(i);
                assertTrue(p.waitFor(300, TimeUnit.SECONDS), "jvm " + i + " did not finish");
                String out = Files.readString(logs.get(i), StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), "jvm " + i + " exited " + p.exitValue() + ":\n" + tail(out));
                assertTrue(out.contains("sum 512.0"), "jvm " + i + ":\n" + tail(out));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static String tail(String s) {
        return s.length() < 3000 ? s : s.substring(s.length() - 3000);
    }
}
