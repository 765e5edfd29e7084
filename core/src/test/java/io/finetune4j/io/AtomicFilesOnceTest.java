package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache entries written by several writers at once (the ranks of a distributed run): one complete copy stays, no error. */
class AtomicFilesOnceTest {
    @TempDir
    Path tmp;

    @Test
    void concurrentWritersLeaveOneCompleteEntry() throws Exception {
        Path target = tmp.resolve("entry");
        int writers = 6;
        CountDownLatch ready = new CountDownLatch(writers);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            results.add(pool.submit(() -> AtomicFiles.writeDirectoryOnce(target, dir -> {
                Files.writeString(dir.resolve("a.txt"), "same content");
                ready.countDown();
                try {
                    ready.await(); // everyone has written before anyone renames
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Files.writeString(dir.resolve("b.txt"), "complete");
            })));
        }
        int won = 0;
        for (Future<Boolean> f : results) {
            won += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, won);
        assertEquals("complete", Files.readString(target.resolve("b.txt")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(target), s.toList(), "no temporary folders left");
        }
        // a later writer keeps the entry as it is
        assertTrue(!AtomicFiles.writeDirectoryOnce(target, dir -> Files.writeString(dir.resolve("c.txt"), "other")));
        assertTrue(!Files.exists(target.resolve("c.txt")));
    }
}
