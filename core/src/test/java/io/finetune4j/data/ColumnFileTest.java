package io.finetune4j.data;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged column file (map cache entry, saveToDisk) is refused as corrupt, without a JVM error or a huge allocation. */
class ColumnFileTest {
    @TempDir
    Path tmp;

    private Path saved() {
        return saved(new Column.IntLists(new int[][] {{1, 2, 3}, {4}}));
    }

    /** A one-column file, so the test knows where the column's lengths are. */
    private Path saved(Column column) {
        Dataset d = new Dataset(Map.of("c", column));
        Path file = tmp.resolve("d" + System.nanoTime() + ".f4j");
        d.saveToDisk(file);
        return file;
    }

    /** Byte offset of the rows field: magic, features length, features. */
    private static int rowsAt(byte[] bytes) {
        return 8 + 4 + ByteBuffer.wrap(bytes, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** Byte offset of the first column's first length: after rows, columns, the name and its kind. */
    private static int firstLengthAt(byte[] bytes) {
        int rows = rowsAt(bytes);
        return rows + 8 + 4 + ByteBuffer.wrap(bytes, rows + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() + 1;
    }

    private static void corrupt(Path file, int at, int value) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        Files.write(file, bytes);
    }

    private static void refused(Path file) {
        BadInputException e = assertThrows(BadInputException.class, () -> Dataset.loadFromDisk(file));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("Source: REDACTED"), e.getMessage());
    }

    @Test
    void damagedCountsAndLengthsAreCorruptNotAnOutOfMemoryError() throws Exception {
        Path ok = saved();
        assertEquals(2, Dataset.loadFromDisk(ok).numRows());
        int rows = rowsAt(Files.readAllBytes(ok));
        for (int value : new int[] {-1, Integer.MAX_VALUE, 1 << 28}) {
            Path f = saved();
            corrupt(f, rows, value);
            refused(f);
            Path g = saved();
            corrupt(g, rows + 4, value); // the column count
            refused(g);
        }
        // the first length of a list column and of a string column: huge, or (lists) negative past -1
        for (int value : new int[] {-7, 0x40000001, Integer.MAX_VALUE}) {
            for (Path f : List.of(saved(), saved(new Column.Strings(new String[] {"a", "b"})))) {
                corrupt(f, firstLengthAt(Files.readAllBytes(f)), value);
                refused(f);
            }
        }
    }

    @Test
    void damagedFeaturesJsonIsCorrupt() throws Exception {
        Path f = saved();
        byte[] bytes = Files.readAllBytes(f);
        bytes[12] = '{';
        bytes[13] = '[';
        Files.write(f, bytes);
        refused(f);
    }
}
