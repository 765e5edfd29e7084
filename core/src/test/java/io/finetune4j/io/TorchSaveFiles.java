package io.finetune4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes {@code pytorch_model.bin} files as {@code torch.save(model.state_dict(), f)} does: a zip
 * (entries stored) with {@code archive/data.pkl} — a protocol 2 pickle of an OrderedDict whose
 * values are {@code torch._utils._rebuild_tensor_v2(persistent storage, offset, size, stride,
 * False, OrderedDict())} and whose {@code _metadata} attribute is set by BUILD — plus
 * {@code archive/data/<key>} per storage, {@code archive/version} and {@code archive/byteorder}.
 * The opcodes are written by hand here, so the reader is tested against bytes, not against itself.
 */
public final class TorchSaveFiles {
    /** One storage: its torch class name (FloatStorage ...) and raw little-endian bytes. */
    public record Storage(String key, String type, int elementSize, byte[] bytes) {
        long numel() {
            return bytes.length / elementSize;
        }
    }

    /** One state-dict entry: a view of a storage. */
    public record Entry(String name, String storageKey, long offset, long[] size, long[] stride) {}

    private final Map<String, Storage> storages = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    public TorchSaveFiles storage(String key, String type, int elementSize, byte[] bytes) {
        storages.put(key, new Storage(key, type, elementSize, bytes));
        return this;
    }

    public TorchSaveFiles floats(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return storage(key, "FloatStorage", 4, b.array());
    }

    public TorchSaveFiles longs(String key, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return storage(key, "LongStorage", 8, b.array());
    }

    /** float16 bits (IEEE half) of each value, as torch.HalfStorage holds them. */
    public TorchSaveFiles halves(String key, short... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : bits) b.putShort(s);
        return storage(key, "HalfStorage", 2, b.array());
    }

    /** bfloat16: the top 16 bits of each float32. */
    public TorchSaveFiles bfloat16(String key, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort((short) (Float.floatToIntBits(v) >>> 16));
        return storage(key, "BFloat16Storage", 2, b.array());
    }

    /** A contiguous tensor of {@code size} at {@code offset} of a storage. */
    public TorchSaveFiles tensor(String name, String storageKey, long offset, long... size) {
        long[] stride = new long[size.length];
        long s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= size[i];
        }
        return view(name, storageKey, offset, size, stride);
    }

    public TorchSaveFiles view(String name, String storageKey, long offset, long[] size, long[] stride) {
        entries.add(new Entry(name, storageKey, offset, size, stride));
        return this;
    }

    /** The data.pkl bytes of this state dict. */
    public byte[] pickle() {
        Pickler p = new Pickler();
        p.proto2();
        p.global("collections", "OrderedDict");
        int odict = p.put();
        p.op(')').op('R');
        p.put();
        p.op('(');
        Map<String, Integer> storageMemo = new LinkedHashMap<>();
        int rebuild = -1;
        for (Entry e : entries) {
            p.unicode(e.name());
            p.put();
            if (rebuild < 0) {
                p.global("torch._utils", "_rebuild_tensor_v2");
                rebuild = p.put();
            } else {
                p.get(rebuild);
            }
            p.op('(');
            Integer memo = storageMemo.get(e.storageKey());
            if (memo != null) {
                p.get(memo); // a storage shared by two tensors (tied weights) is pickled once
            } else {
                Storage s = storages.get(e.storageKey());
                p.op('(');
                p.unicode("storage");
                p.put();
                p.global("torch", s.type());
                p.put();
                p.unicode(s.key());
                p.put();
                p.unicode("cpu");
                p.put();
                p.integer(s.numel());
                p.op('t');
                p.put();
                p.op('Q');
                storageMemo.put(e.storageKey(), p.put());
            }
            p.integer(e.offset());
            p.tuple(e.size());
            p.put();
            p.tuple(e.stride());
            p.put();
            p.op(0x89); // requires_grad False
            p.get(odict).op(')').op('R'); // backward_hooks OrderedDict()
            p.put();
            p.op('t');
            p.put();
            p.op('R');
            p.put();
        }
        p.op('u');
        // state_dict()._metadata = OrderedDict([('', {'version': 1})]), set with BUILD as pickle does for attributes
        p.op('}');
        p.put();
        p.unicode("_metadata");
        p.put();
        p.get(odict).op(')').op('R');
        p.put();
        p.unicode("");
        p.put();
        p.op('}').op('(');
        p.unicode("version");
        p.integer(1);
        p.op('u');
        p.op('s');
        p.op('s');
        p.op('b');
        p.op('.');
        return p.bytes();
    }

    /** Writes the zip to {@code file}. */
    public Path write(Path file) throws IOException {
        return write(file, pickle());
    }

    /** Writes the zip with the given data.pkl (for hand-made malicious pickles). */
    public Path write(Path file, byte[] pickle) throws IOException {
        String archive = "archive/";
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, archive + "data.pkl", pickle);
            stored(zip, archive + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Storage s : storages.values()) {
                stored(zip, archive + "data/" + s.key(), s.bytes());
            }
            stored(zip, archive + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Pickle opcodes of protocol 2, as CPython's _pickle writes them. */
    public static final class Pickler {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int memo;

        public Pickler proto2() {
            return op(0x80).op(2);
        }

        public Pickler op(int b) {
            out.write(b);
            return this;
        }

        public Pickler global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        public Pickler unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            le32(b.length);
            out.writeBytes(b);
            return this;
        }

        public Pickler integer(long v) {
            if (v >= 0 && v < 256) {
                op('K').op((int) v);
            } else if (v >= 0 && v < 65536) {
                op('M').op((int) (v & 0xff)).op((int) (v >>> 8));
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                le32((int) v);
            } else {
                op(0x8a).op(8);
                for (int i = 0; i < 8; i++) op((int) (v >>> (8 * i)) & 0xff);
            }
            return this;
        }

        public Pickler tuple(long[] values) {
            if (values.length == 0) {
                return op(')');
            }
            if (values.length > 3) {
                op('(');
            }
            for (long v : values) integer(v);
            return op(switch (values.length) { case 1 -> 0x85; case 2 -> 0x86; case 3 -> 0x87; default -> 't'; });
        }

        /** BINPUT into the next memo slot; returns the slot. */
        public int put() {
            int slot = memo++;
            if (slot < 256) {
                op('q').op(slot);
            } else {
                op('r');
                le32(slot);
            }
            return slot;
        }

        public Pickler get(int slot) {
            if (slot < 256) {
                return op('h').op(slot);
            }
            op('j');
            le32(slot);
            return this;
        }

        private void le32(int v) {
            for (int i = 0; i < 4; i++) op((v >>> (8 * i)) & 0xff);
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
