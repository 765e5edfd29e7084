package io.finetune4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes what {@code torch.save(obj, f)} writes (torch 1.13's zip format): a zip whose entries all sit in
 * {@code <archive>/} (the file's stem), stored uncompressed with their data 64-byte aligned:
 * {@code data.pkl} (the object, pickle protocol 2), {@code data/<key>} (one entry of raw little-endian
 * bytes per tensor storage, keys 0..n-1 in pickling order) and {@code version} ("3").
 *
 * <p>The object is built from plain Java values, each written as torch's pickler writes the Python value:
 * {@link Map} → dict, {@link List} → list, {@link Tuple} → tuple, {@link String} → str, {@link Integer} /
 * {@link Long} → int, {@link Double} / {@link Float} → float, {@link Boolean}, {@code null} → None,
 * {@link Tensor} → a CPU tensor ({@code torch._utils._rebuild_tensor_v2} over a typed storage), and
 * {@link Reduce} / {@link Build} / {@link Latin1Bytes} for other Python objects (numpy arrays).
 * Files are written atomically.
 */
public final class TorchSave {
    private TorchSave() {}

    /** A Python tuple. */
    public record Tuple(List<?> items) {
        public static Tuple of(Object... items) {
            return new Tuple(Arrays.asList(items));
        }
    }

    /** {@code module.name} called with {@code args} (pickle's GLOBAL + REDUCE). */
    public record Reduce(String module, String name, Tuple args) {}

    /** A reference to a Python class or function (pickle's GLOBAL, not called). */
    public record Global(String module, String name) {}

    /** {@code obj.__setstate__(state)} (pickle's BUILD). */
    public record Build(Object obj, Object state) {}

    /** Python bytes, as protocol 2 writes them: {@code _codecs.encode(str, 'latin1')}. */
    public record Latin1Bytes(byte[] bytes) {}

    public static final int ALIGNMENT = 64;

    /** torch.save(root, file): {@code file}'s stem names the archive folder, as torch names it. */
    public static void write(Path file, Object root) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String archive = dot > 0 ? name.substring(0, dot) : name;
        Pickler p = new Pickler();
        byte[] pickle = p.dump(root);
        AtomicFiles.writeFile(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writeZip(out, archive, pickle, p.storages);
            }
        });
    }

    private static void writeZip(OutputStream raw, String archive, byte[] pickle, List<byte[]> storages) throws IOException {
        CountingStream counted = new CountingStream(raw);
        try (ZipOutputStream zip = new ZipOutputStream(counted, StandardCharsets.UTF_8)) {
            zip.setMethod(ZipOutputStream.STORED);
            put(zip, counted, archive + "/data.pkl", pickle);
            for (int i = 0; i < storages.size(); i++) {
                put(zip, counted, archive + "/data/" + i, storages.get(i));
            }
            put(zip, counted, archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** One stored entry whose data starts at a multiple of 64 (torch pads the local header's extra field with 'Z'). */
    private static void put(ZipOutputStream zip, CountingStream counted, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        long headerEnd = counted.count + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
        int pad = (int) ((ALIGNMENT - headerEnd % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >> 8);
        Arrays.fill(extra, 4, extra.length, (byte) 'Z');
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Pickle protocol 2, the opcodes torch.save's pickler emits (no memo: every value is written where it occurs). */
    static final class Pickler {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<byte[]> storages = new ArrayList<>();

        byte[] dump(Object root) {
            out.write(0x80);
            out.write(2);
            value(root);
            out.write('.');
            return out.toByteArray();
        }

        private void value(Object v) {
            if (v == null) {
                out.write('N');
            } else if (v instanceof Boolean b) {
                out.write(b ? 0x88 : 0x89);
            } else if (v instanceof Integer || v instanceof Long) {
                integer(((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
                out.write('G');
                ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(((Number) v).doubleValue());
                out.writeBytes(bb.array());
            } else if (v instanceof String s) {
                string(s);
            } else if (v instanceof Map<?, ?> m) {
                out.write('}');
                if (!m.isEmpty()) {
                    out.write('(');
                    m.forEach((k, x) -> {
                        value(k);
                        value(x);
                    });
                    out.write('u');
                }
            } else if (v instanceof List<?> l) {
                out.write(']');
                if (!l.isEmpty()) {
                    out.write('(');
                    l.forEach(this::value);
                    out.write('e');
                }
            } else if (v instanceof Tuple t) {
                tuple(t.items());
            } else if (v instanceof Tensor t) {
                tensor(t);
            } else if (v instanceof Global g) {
                global(g.module(), g.name());
            } else if (v instanceof Reduce r) {
                global(r.module(), r.name());
                tuple(r.args().items());
                out.write('R');
            } else if (v instanceof Build b) {
                value(b.obj());
                value(b.state());
                out.write('b');
            } else if (v instanceof Latin1Bytes b) {
                global("_codecs", "encode");
                string(new String(b.bytes(), StandardCharsets.ISO_8859_1));
                string("latin1");
                out.write(0x86);
                out.write('R');
            } else {
                throw new IllegalArgumentException("cannot pickle a " + v.getClass().getName());
            }
        }

        private static String storageClass(Tensor.DType dtype) {
            return switch (dtype) {
                case F32 -> "FloatStorage";
                case F64 -> "DoubleStorage";
                case F16 -> "HalfStorage";
                case BF16 -> "BFloat16Storage";
                case I64 -> "LongStorage";
                case I32 -> "IntStorage";
                case I16 -> "ShortStorage";
                case I8 -> "CharStorage";
                case U8 -> "ByteStorage";
                case BOOL -> "BoolStorage";
            };
        }

        private void integer(long x) {
            if (x >= 0 && x < 256) {
                out.write('K');
                out.write((int) x);
            } else if (x >= 0 && x < 65536) {
                out.write('M');
                out.write((int) x & 0xff);
                out.write((int) (x >> 8) & 0xff);
            } else if (x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE) {
                out.write('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) x).array());
            } else {
                // LONG1: little-endian two's complement, as few bytes as keep the sign
                byte[] le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(x).array();
                int n = 8;
                while (n > 1 && ((le[n - 1] == 0 && le[n - 2] >= 0) || (le[n - 1] == -1 && le[n - 2] < 0))) {
                    n--;
                }
                out.write(0x8a);
                out.write(n);
                out.write(le, 0, n);
            }
        }

        private void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
        }

        private void global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        private void tuple(List<?> items) {
            switch (items.size()) {
                case 0 -> out.write(')');
                case 1, 2, 3 -> {
                    items.forEach(this::value);
                    out.write(0x84 + items.size());
                }
                default -> {
                    out.write('(');
                    items.forEach(this::value);
                    out.write('t');
                }
            }
        }

        /** _rebuild_tensor_v2((storage id), 0, size, stride, False, OrderedDict()). */
        private void tensor(Tensor t) {
            String key = Integer.toString(storages.size());
            ByteBuffer data = t.data().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            storages.add(bytes);
            long[] shape = t.shape();
            List<Object> size = new ArrayList<>();
            List<Object> stride = new ArrayList<>();
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                size.add(0, shape[i]);
                stride.add(0, s);
                s *= shape[i];
            }
            global("torch._utils", "_rebuild_tensor_v2");
            out.write('(');
            out.write('('); // the persistent id: ('storage', torch.<Type>Storage, key, 'cpu', numel)
            string("storage");
            global("torch", storageClass(t.dtype()));
            string(key);
            string("cpu");
            integer(t.numel());
            out.write('t');
            out.write('Q');
            integer(0);
            tuple(size);
            tuple(stride);
            out.write(0x89);
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
            out.write('t');
            out.write('R');
        }
    }
}
