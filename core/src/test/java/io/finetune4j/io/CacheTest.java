package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheTest {
    @TempDir
    Path dir;

    @Test
    void rootComesFromTheEnvironmentOrTheHomeFolder() {
        assertEquals(Path.of("/data/ft4j"), Cache.defaultRoot(Map.of(Cache.ENV, "/data/ft4j")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "finetune4j"), Cache.defaultRoot(Map.of()));
        Cache cache = new Cache(dir);
        assertEquals(dir.resolve("models/google--bert-base-uncased"), cache.model("google/bert-base-uncased"));
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment() {
        String before = System.getProperty(Cache.PROPERTY);
        try {
            System.setProperty(Cache.PROPERTY, dir.toString());
            assertEquals(dir, Cache.defaultRoot(Map.of(Cache.ENV, "/data/ft4j")));
            assertEquals(dir.toAbsolutePath().normalize(), Cache.standard().root());
        } finally {
            if (before == null) {
                System.clearProperty(Cache.PROPERTY);
            } else {
                System.setProperty(Cache.PROPERTY, before);
            }
        }
    }

    @Test
    void directoryWritesAreAllOrNothing() throws Exception {
        Path target = dir.resolve("models/m");
        AtomicFiles.writeDirectory(target, tmp -> Files.writeString(tmp.resolve("config.json"), "{\"v\":1}"));
        assertThrows(RuntimeException.class, () -> AtomicFiles.writeDirectory(target, tmp -> {
            Files.writeString(tmp.resolve("config.json"), "{\"v\":2}");
            throw new java.io.IOException("killed halfway");
        }));
        assertEquals("{\"v\":1}", Files.readString(target.resolve("config.json")), "the old folder survives a failed rewrite");
        AtomicFiles.writeDirectory(target, tmp -> Files.writeString(tmp.resolve("config.json"), "{\"v\":3}"));
        assertEquals("{\"v\":3}", Files.readString(target.resolve("config.json")));
        try (var list = Files.list(target.getParent())) {
            assertFalse(list.anyMatch(p -> p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)));
        }
    }
}
