package io.finetune4j.io.tf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Test-side writer of real TF tensor bundles (what TensorFlow's BundleWriter produces): a data file
 * with the tensors' bytes and an uncompressed LevelDB table index whose values are BundleEntryProto
 * messages, prefix-compressed keys with restart points, several data blocks, masked CRCs.
 */
public final class TfBundleWriter {
    /** One variable: TF dtype code, shape and raw little-endian bytes. */
    public record Var(String name, int dtype, long[] shape, byte[] data) {
        public static Var floats(String name, long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Var(name, BundleEntry.DT_FLOAT, shape, b.array());
        }
    }

    private int blockBytes = 64;
    private int restartInterval = 2;
    private byte compressionType = 0;

    public TfBundleWriter blockBytes(int n) {
        blockBytes = n;
        return this;
    }

    public TfBundleWriter restartInterval(int n) {
        restartInterval = n;
        return this;
    }

    /** Writes a trailer type byte other than 0 (with a valid CRC) to test the reader's refusal. */
    public TfBundleWriter compressionType(byte t) {
        compressionType = t;
        return this;
    }

    /** Writes {@code prefix.index} and {@code prefix.data-00000-of-00001}. */
    public void write(Path prefix, List<Var> vars) throws IOException {
        List<Var> sorted = new ArrayList<>(vars);
        sorted.sort(Comparator.comparing(Var::name));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        keys.add(new byte[0]);
        values.add(header());
        for (Var v : sorted) {
            long offset = data.size();
            data.write(v.data());
            keys.add(v.name().getBytes(StandardCharsets.UTF_8));
            values.add(entry(v, offset, Crc32c.mask(Crc32c.of(ByteBuffer.wrap(v.data())))));
        }
        Files.createDirectories(prefix.toAbsolutePath().getParent());
        Files.write(prefix.resolveSibling(prefix.getFileName() + ".data-00000-of-00001"), data.toByteArray());
        Files.write(prefix.resolveSibling(prefix.getFileName() + ".index"), table(keys, values));
    }

    byte[] table(List<byte[]> keys, List<byte[]> values) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<byte[]> indexKeys = new ArrayList<>();
        List<byte[]> indexValues = new ArrayList<>();
        int start = 0;
        while (start < keys.size()) {
            int end = start;
            int bytes = 0;
            while (end < keys.size() && (end == start || bytes < blockBytes)) {
                bytes += keys.get(end).length + values.get(end).length + 3;
                end++;
            }
            byte[] block = block(keys.subList(start, end), values.subList(start, end), restartInterval);
            indexKeys.add(keys.get(end - 1));
            indexValues.add(handle(file.size(), block.length));
            writeBlock(file, block);
            start = end;
        }
        byte[] meta = block(List.of(), List.of(), restartInterval);
        long metaOffset = file.size();
        writeBlock(file, meta);
        byte[] index = block(indexKeys, indexValues, 1);
        long indexOffset = file.size();
        writeBlock(file, index);
        ByteBuffer footer = ByteBuffer.allocate(SsTable.FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        footer.put(handle(metaOffset, meta.length)).put(handle(indexOffset, index.length));
        footer.putLong(SsTable.FOOTER_BYTES - 8, SsTable.MAGIC);
        file.writeBytes(footer.array());
        return file.toByteArray();
    }

    private void writeBlock(ByteArrayOutputStream file, byte[] block) {
        file.writeBytes(block);
        int crc = Crc32c.mask(Crc32c.of(ByteBuffer.wrap(block), compressionType));
        file.write(compressionType);
        file.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc).array());
    }

    /** Prefix-compressed entries, a restart point every {@code interval} keys, then the restart array. */
    static byte[] block(List<byte[]> keys, List<byte[]> values, int interval) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> restarts = new ArrayList<>();
        byte[] last = new byte[0];
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            int shared = 0;
            if (i % interval == 0) {
                restarts.add(out.size());
            } else {
                while (shared < Math.min(last.length, key.length) && last[shared] == key[shared]) {
                    shared++;
                }
            }
            varint(out, shared);
            varint(out, key.length - shared);
            varint(out, values.get(i).length);
            out.write(key, shared, key.length - shared);
            out.writeBytes(values.get(i));
            last = key;
        }
        if (restarts.isEmpty()) {
            restarts.add(0); // LevelDB's empty block still has one restart point
        }
        ByteBuffer tail = ByteBuffer.allocate(4 * restarts.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
        restarts.forEach(tail::putInt);
        tail.putInt(restarts.size());
        out.writeBytes(tail.array());
        return out.toByteArray();
    }

    static byte[] header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tag(out, 1, 0);
        varint(out, 1); // num_shards
        return out.toByteArray();
    }

    static byte[] entry(Var v, long offset, int maskedCrc) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (long d : v.shape()) {
            ByteArrayOutputStream dim = new ByteArrayOutputStream();
            tag(dim, 1, 0);
            varint(dim, d);
            tag(shape, 2, 2);
            varint(shape, dim.size());
            shape.writeBytes(dim.toByteArray());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tag(out, 1, 0);
        varint(out, v.dtype());
        tag(out, 2, 2);
        varint(out, shape.size());
        out.writeBytes(shape.toByteArray());
        if (offset != 0) { // proto3 leaves zero values out, as TF does
            tag(out, 4, 0);
            varint(out, offset);
        }
        tag(out, 5, 0);
        varint(out, v.data().length);
        tag(out, 6, 5);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc).array());
        return out.toByteArray();
    }

    static byte[] handle(long offset, long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, offset);
        varint(out, size);
        return out.toByteArray();
    }

    private static void tag(ByteArrayOutputStream out, int field, int wire) {
        varint(out, (long) field << 3 | wire);
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
