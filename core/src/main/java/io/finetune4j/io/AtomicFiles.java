package io.finetune4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Write-then-rename helpers: a reader (or a resumed run) never sees a half-written file or folder.
 * Temporary names start with ".tmp-" so that scans for checkpoints and cache entries skip them.
 */
public final class AtomicFiles {
    public static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {}

    /** Something that fills a path; may throw I/O errors. */
    @FunctionalInterface
    public interface Writer {
        void write(Path path) throws IOException;
    }

    /** Writes a file through a sibling temporary file, then moves it over {@code target}. */
    public static void writeFile(Path target, Writer writer) {
        viaTemp(target, tmp -> {
            writer.write(tmp);
            move(tmp, target);
            return null;
        });
    }

    /** Writes a string as UTF-8, atomically. */
    public static void writeString(Path target, String content) {
        writeFile(target, p -> Files.writeString(p, content));
    }

    /**
     * Fills a sibling temporary folder, then renames it to {@code target}. An existing target is
     * replaced only after the new one is complete.
     */
    public static void writeDirectory(Path target, Writer writer) {
        viaTemp(target, tmp -> {
            Files.createDirectories(tmp);
            writer.write(tmp);
            if (Files.exists(target)) {
                Path old = tmp.resolveSibling(TEMP_PREFIX + "old-" + tmp.getFileName().toString().substring(TEMP_PREFIX.length()));
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                move(tmp, target);
                deleteRecursively(old);
            } else {
                move(tmp, target);
            }
            return null;
        });
    }

    /**
     * A cache entry: fills a sibling temporary folder and renames it to {@code target} unless another writer (another
     * rank of a distributed run, another process) got there first, in which case the finished copy is kept and this one
     * discarded: entries hold the same content whoever writes them, and one is never replaced while someone reads it.
     * Returns whether this call's copy is the one in place.
     */
    public static boolean writeDirectoryOnce(Path target, Writer writer) {
        return viaTemp(target, tmp -> {
            Files.createDirectories(tmp);
            writer.write(tmp);
            if (Files.exists(target)) {
                deleteRecursively(tmp);
                return false;
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // no REPLACE_EXISTING: fails if a writer won meanwhile
                return true;
            } catch (java.nio.file.FileSystemException e) { // rename(2) onto a non-empty folder: ENOTEMPTY
                if (!Files.isDirectory(target)) {
                    throw e;
                }
                deleteRecursively(tmp);
                return false;
            }
        });
    }

    /** What fills a temporary sibling of the target and puts it in place. */
    private interface Fill<T> {
        T run(Path tmp) throws IOException;
    }

    /**
     * Runs {@code fill} on a fresh temporary sibling of {@code target} (".tmp-NAME-PID-NANOS"), deleting it when
     * anything fails; an I/O error becomes one "could not write TARGET" line.
     */
    private static <T> T viaTemp(Path target, Fill<T> fill) {
        Path dir = target.toAbsolutePath().getParent();
        Cache.ensureDirectory(dir);
        Path tmp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            return fill.run(tmp);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException ignored) {
            // best effort: a leftover ".tmp-" entry is never read back
        }
    }

    /** Total size in bytes of a file or folder (0 if missing). */
    public static long sizeOf(Path path) {
        if (!Files.exists(path)) {
            return 0;
        }
        try (var walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
