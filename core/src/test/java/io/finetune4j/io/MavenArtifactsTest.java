package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenArtifactsTest {
    @TempDir
    Path dir;

    private static final String COORDS = "com.example:thing:1.2.3";

    /** An executable shell script standing in for the mvn launcher. */
    private Path script(String body) throws IOException {
        Path p = dir.resolve("bin/mvn");
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void namesTheFileAsDependencyCopyDoes() {
        assertEquals("thing-1.2.3.jar", MavenArtifacts.fileName(COORDS));
        assertEquals("thing-1.2.3-linux.zip", MavenArtifacts.fileName("com.example:thing:1.2.3:zip:linux"));
    }

    @Test
    void passesCoordinatesAndOutputFolderToMaven() throws IOException {
        // Behaves like dependency:copy: writes artifactId-version.jar into -DoutputDirectory.
        Path mvn = script("""
                for a in "$@"; do
                  case "$a" in
                    -DoutputDirectory=*) out="${a#-DoutputDirectory=}" ;;
                    -Dartifact=*) art="${a#-Dartifact=}" ;;
                  esac
                done
                echo "$art" > "$out/thing-1.2.3.jar"
                """);
        Path jar = MavenArtifacts.fetch(COORDS, dir.resolve("out"), mvn.toString());
        assertEquals(dir.resolve("out/thing-1.2.3.jar").toAbsolutePath(), jar);
        assertEquals(COORDS, Files.readString(jar).strip());
        try (var s = Files.list(dir.resolve("out"))) {
            assertEquals(1, s.count(), "the Maven log is removed");
        }
    }

    @Test
    void aMavenFailureIsOneLineWithTheManualCommand() throws IOException {
        Path mvn = script("echo '[INFO] scanning'; echo '[ERROR] Failed to execute goal: Could not resolve com.example:thing:1.2.3'; "
                + "echo '[ERROR] -> [Help 1]'; exit 1");
        MavenArtifacts.FetchException e = assertThrows(MavenArtifacts.FetchException.class,
                () -> MavenArtifacts.fetch(COORDS, dir.resolve("out"), mvn.toString()));
        assertTrue(e.getMessage().contains("mvn exited 1: [ERROR] Failed to execute goal: Could not resolve"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dartifact=" + COORDS) && e.getMessage().contains("FINETUNE4J_HOME"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void missingMavenIsExplained() {
        MavenArtifacts.FetchException e = assertThrows(MavenArtifacts.FetchException.class,
                () -> MavenArtifacts.findMaven(Map.of("PATH", dir.toString())));
        assertTrue(e.getMessage().contains("not installed or not on the PATH") && e.getMessage().contains("FINETUNE4J_HOME"), e.getMessage());
        e = assertThrows(MavenArtifacts.FetchException.class,
                () -> MavenArtifacts.fetch(COORDS, dir.resolve("out"), dir.resolve("nope/mvn").toString()));
        assertTrue(e.getMessage().startsWith("cannot run Maven"), e.getMessage());
    }

    @Test
    void findsMavenOnThePath() throws IOException {
        Path mvn = script("exit 0");
        assertEquals(mvn.toString(), MavenArtifacts.findMaven(Map.of("PATH", dir.resolve("nothing") + ":" + mvn.getParent())));
    }

    @Test
    void malformedCoordinatesAreABadInput() {
        BadInputException e = assertThrows(BadInputException.class, () -> MavenArtifacts.fetch("just-a-name", dir, "mvn"));
        assertTrue(e.getMessage().contains("'just-a-name'"), e.getMessage());
    }
}
