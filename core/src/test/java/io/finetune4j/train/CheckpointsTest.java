package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path out;

    private void checkpoint(int step) throws Exception {
        Checkpoints.write(out, step, dir -> Files.writeString(dir.resolve(TrainerState.FILE), "{\"global_step\": " + step + "}"));
    }

    private List<String> names() {
        return Checkpoints.sorted(out).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void onlyCompleteCheckpointsCountAndTheySortByStep() throws Exception {
        checkpoint(500);
        checkpoint(1000);
        checkpoint(1500);
        Files.createDirectories(out.resolve(".tmp-checkpoint-2000-123-456"));          // a crash mid-write
        Files.writeString(Files.createDirectories(out.resolve(".tmp-checkpoint-2000-1-2")).resolve(TrainerState.FILE), "{}");
        Files.createDirectories(out.resolve("checkpoint-2500"));                         // no trainer_state.json
        Files.createDirectories(out.resolve("runs"));
        assertEquals(List.of("checkpoint-500", "checkpoint-1000", "checkpoint-1500"), names());
        assertEquals(out.resolve("checkpoint-1500"), Checkpoints.latestCheckpoint(out));
        assertNull(Checkpoints.latestCheckpoint(out.resolve("missing")));
    }

    @Test
    void rotationDeletesTheOldestButNeverTheBest() throws Exception {
        for (int s = 1; s <= 5; s++) checkpoint(s * 100);
        String best = out.resolve("checkpoint-100").toString();
        List<Path> deleted = Checkpoints.rotate(out, 2, best);
        assertEquals(3, deleted.size());
        assertEquals(List.of("checkpoint-100", "checkpoint-500"), names());
    }

    @Test
    void limitOneKeepsTheNewestToo_whenTheBestIsOlder() throws Exception {
        for (int s = 1; s <= 3; s++) checkpoint(s * 100);
        Checkpoints.rotate(out, 1, out.resolve("checkpoint-200").toString());
        assertEquals(List.of("checkpoint-200", "checkpoint-300"), names());
        Checkpoints.rotate(out, 1, out.resolve("checkpoint-300").toString());
        assertEquals(List.of("checkpoint-300"), names());
    }

    @Test
    void withoutABestTheOldestGo() throws Exception {
        for (int s = 1; s <= 4; s++) checkpoint(s);
        Checkpoints.rotate(out, 2, null);
        assertEquals(List.of("checkpoint-3", "checkpoint-4"), names());
        assertTrue(Checkpoints.rotate(out, null, null).isEmpty());
    }
}
