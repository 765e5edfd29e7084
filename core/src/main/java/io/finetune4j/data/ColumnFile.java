package io.finetune4j.data;

import io.finetune4j.BadInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary file that map results and {@code saveToDisk} use: one {@link Dataset} per file,
 * read with a few bulk copies (no per-value parsing), so 50k rows × 3 int columns × 160 load in
 * well under a second. All numbers little-endian.
 *
 * <pre>
 *   8 bytes   magic "F4JCOLS1"
 *   int32     features JSON length N, then N bytes UTF-8 (HF dataset_info "features" shape)
 *   int32     numRows, int32 numColumns
 *   per column:
 *     int32 name length + UTF-8 name, int8 kind (0 strings, 1 ints, 2 int lists, 3 floats, 4 float lists)
 *     strings:   int32[numRows] byte lengths (-1 = null), then the UTF-8 bytes back to back
 *     ints:      int32[numRows]
 *     int lists: int32[numRows] lengths (-1 = null), then all ints back to back
 *     floats:    float32[numRows]
 *     float lists: int32[numRows] lengths (-1 = null), then all float32 back to back
 *   8 bytes   trailer "F4JEND01"
 * </pre>
 *
 * Files are written through a temporary name and renamed, and a file without the trailer is
 * rejected, so a partly written entry is never read back.
 */
final class ColumnFile {
    private static final byte[] MAGIC = "F4JCOLS1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRAILER = "F4JEND01".getBytes(StandardCharsets.US_ASCII);

    private ColumnFile() {}

    static void write(Dataset dataset, Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             LeOut out = new LeOut(new BufferedOutputStream(raw, 1 << 20))) {
            out.write(MAGIC);
            byte[] features = FeaturesJson.JSON.writeValueAsBytes(FeaturesJson.toJson(dataset.features()));
            out.writeInt(features.length);
            out.write(features);
            out.writeInt(dataset.numRows());
            out.writeInt(dataset.columnNames().size());
            for (String name : dataset.columnNames()) {
                byte[] n = name.getBytes(StandardCharsets.UTF_8);
                out.writeInt(n.length);
                out.write(n);
                Column column = dataset.column(name);
                if (column instanceof Column.Strings s) {
                    out.writeByte(0);
                    byte[][] bytes = new byte[s.size()][];
                    for (int i = 0; i < bytes.length; i++) {
                        String v = s.values()[i];
                        bytes[i] = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
                        out.writeInt(bytes[i] == null ? -1 : bytes[i].length);
                    }
                    for (byte[] b : bytes) if (b != null) out.write(b);
                } else if (column instanceof Column.Ints s) {
                    out.writeByte(1);
                    out.writeInts(s.values());
                } else if (column instanceof Column.IntLists s) {
                    out.writeByte(2);
                    for (int[] row : s.values()) out.writeInt(row == null ? -1 : row.length);
                    for (int[] row : s.values()) if (row != null) out.writeInts(row);
                } else if (column instanceof Column.Floats s) {
                    out.writeByte(3);
                    for (float v : s.values()) out.writeInt(Float.floatToRawIntBits(v));
                } else if (column instanceof Column.FloatLists s) {
                    out.writeByte(4);
                    for (float[] row : s.values()) out.writeInt(row == null ? -1 : row.length);
                    for (float[] row : s.values()) if (row != null) for (float v : row) out.writeInt(Float.floatToRawIntBits(v));
                }
            }
            out.write(TRAILER);
        }
    }

    static Dataset read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new BadInputException(file + " is larger than 2 GB; split the data set into smaller files");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            expect(buf, MAGIC, file, "magic");
            if (!endsWith(buf, TRAILER)) {
                throw new BadInputException(file + " is incomplete (no trailer); delete it and rerun");
            }
            byte[] featureBytes = new byte[checkLen(buf.getInt(), buf, file)];
            buf.get(featureBytes);
            Features features;
            try {
                features = FeaturesJson.fromJson(FeaturesJson.JSON.readTree(featureBytes));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadInputException(file + " is corrupt (features: " + JsonRows.message(e) + "); delete it and rerun", e);
            }
            int rows = buf.getInt();
            int cols = buf.getInt();
            // every column takes a name length, a kind and 4 bytes per row at least: counts past that are damage
            if (rows < 0 || cols < 0 || 5L * cols + 4L * rows * cols > buf.remaining()) {
                throw new BadInputException(file + " is corrupt (" + rows + " rows, " + cols + " columns in "
                        + buf.remaining() + " bytes); delete it and rerun");
            }
            Map<String, Column> columns = new LinkedHashMap<>();
            for (int c = 0; c < cols; c++) {
                byte[] n = new byte[checkLen(buf.getInt(), buf, file)];
                buf.get(n);
                String name = new String(n, StandardCharsets.UTF_8);
                byte kind = buf.get();
                columns.put(name, switch (kind) {
                    case 0 -> readStrings(buf, rows, file);
                    case 1 -> new Column.Ints(readInts(buf, rows));
                    case 2 -> readIntLists(buf, rows, file);
                    case 3 -> {
                        float[] v = new float[rows];
                        buf.asFloatBuffer().get(v);
                        buf.position(buf.position() + 4 * rows);
                        yield new Column.Floats(v);
                    }
                    case 4 -> readFloatLists(buf, rows, file);
                    default -> throw new BadInputException(file + ": unknown column kind " + kind + "; the file is corrupt, delete it");
                });
            }
            return new Dataset(columns, features);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new BadInputException(file + " is corrupt (" + e.getClass().getSimpleName() + "); delete it and rerun", e);
        }
    }

    private static Column readStrings(ByteBuffer buf, int rows, Path file) {
        int[] lengths = readInts(buf, rows);
        String[] out = new String[rows];
        byte[] scratch = new byte[1 << 16];
        for (int i = 0; i < rows; i++) {
            int len = lengths[i];
            if (len == -1) continue; // null
            checkLen(len, buf, file);
            if (len > scratch.length) scratch = new byte[Math.max(len, Math.min(scratch.length * 2, buf.remaining()))];
            buf.get(scratch, 0, len);
            out[i] = new String(scratch, 0, len, StandardCharsets.UTF_8);
        }
        return new Column.Strings(out);
    }

    private static Column readIntLists(ByteBuffer buf, int rows, Path file) {
        int[] lengths = readInts(buf, rows);
        var ints = buf.asIntBuffer();
        int[][] out = new int[rows][];
        long total = 0;
        for (int i = 0; i < rows; i++) {
            if (lengths[i] == -1) continue; // null
            total += lengths[i];
            if (lengths[i] < 0 || 4 * total > buf.remaining()) {
                throw new BadInputException(file + " is corrupt (lists longer than the file at row " + i + "); delete it and rerun");
            }
            out[i] = new int[lengths[i]];
            ints.get(out[i]);
        }
        buf.position((int) (buf.position() + 4 * total));
        return new Column.IntLists(out);
    }

    private static Column readFloatLists(ByteBuffer buf, int rows, Path file) {
        int[] lengths = readInts(buf, rows);
        var floats = buf.asFloatBuffer();
        float[][] out = new float[rows][];
        long total = 0;
        for (int i = 0; i < rows; i++) {
            if (lengths[i] == -1) continue; // null
            total += lengths[i];
            if (lengths[i] < 0 || 4 * total > buf.remaining()) {
                throw new BadInputException(file + " is corrupt (lists longer than the file at row " + i + "); delete it and rerun");
            }
            out[i] = new float[lengths[i]];
            floats.get(out[i]);
        }
        buf.position((int) (buf.position() + 4 * total));
        return new Column.FloatLists(out);
    }

    private static int[] readInts(ByteBuffer buf, int n) {
        int[] v = new int[n];
        buf.asIntBuffer().get(v);
        buf.position(buf.position() + 4 * n);
        return v;
    }

    private static int checkLen(int len, ByteBuffer buf, Path file) {
        if (len < 0 || len > buf.remaining()) {
            throw new BadInputException(file + " is corrupt (length " + len + " at byte " + buf.position() + "); delete it and rerun");
        }
        return len;
    }

    private static void expect(ByteBuffer buf, byte[] magic, Path file, String what) {
        byte[] got = new byte[magic.length];
        if (buf.remaining() < magic.length) {
            throw new BadInputException(file + " is not a finetune4j column file (too short); delete it and rerun");
        }
        buf.get(got);
        if (!java.util.Arrays.equals(got, magic)) {
            throw new BadInputException(file + " is not a finetune4j column file (bad " + what + ")");
        }
    }

    private static boolean endsWith(ByteBuffer buf, byte[] trailer) {
        int limit = buf.limit();
        if (limit < MAGIC.length + trailer.length) return false;
        for (int i = 0; i < trailer.length; i++) {
            if (buf.get(limit - trailer.length + i) != trailer[i]) return false;
        }
        return true;
    }

    /** Little-endian writer with a bulk int path (DataOutputStream is big-endian). */
    private static final class LeOut extends java.io.FilterOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        LeOut(OutputStream out) {
            super(out);
        }

        void writeInt(int v) throws IOException {
            scratch.clear();
            scratch.putInt(v);
            out.write(scratch.array(), 0, 4);
        }

        void writeByte(int v) throws IOException {
            out.write(v);
        }

        void writeInts(int[] values) throws IOException {
            int i = 0;
            while (i < values.length) {
                scratch.clear();
                int n = Math.min(values.length - i, scratch.capacity() / 4);
                scratch.asIntBuffer().put(values, i, n);
                out.write(scratch.array(), 0, n * 4);
                i += n;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }
}
