package io.finetune4j.io.tf;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader of an uncompressed LevelDB-format table, as TensorFlow writes for {@code variables.index}.
 *
 * <pre>
 *   [data block + trailer]*  [metaindex block + trailer]  [index block + trailer]  footer (48 bytes)
 *   block   = entries, restart offsets (uint32 LE each), restart count (uint32 LE)
 *   entry   = shared key bytes (varint32), unshared key bytes (varint32), value length (varint32), key delta, value
 *   trailer = compression type (1 byte, 0 = none), masked CRC-32C of block + type (uint32 LE)
 *   footer  = metaindex handle, index handle (varint64 offset, varint64 size each), zero padding to 40 bytes,
 *             magic 0xdb4775248b80fb57 (uint64 LE)
 * </pre>
 *
 * Index-block values are the handles of the data blocks. Every block's checksum is verified.
 */
public final class SsTable {
    public static final long MAGIC = 0xdb4775248b80fb57L;
    public static final int FOOTER_BYTES = 48;
    public static final int TRAILER_BYTES = 5;
    static final byte NO_COMPRESSION = 0;
    /** The largest index read (a BERT-large index is kilobytes: names, shapes and offsets only). */
    static final long MAX_INDEX_BYTES = 1L << 30;

    private SsTable() {}

    /** A block's position in the file (excluding its 5-byte trailer). */
    public record BlockHandle(long offset, long size) {
        static BlockHandle decode(ByteBuffer buf) {
            return new BlockHandle(Varints.readVarint64(buf), Varints.readVarint64(buf));
        }
    }

    /** All key/value pairs of the table in key order. Keys are decoded as UTF-8 (TF uses tensor names). */
    public static Map<String, ByteBuffer> read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_INDEX_BYTES) {
                throw new BadInputException("corrupt TensorFlow checkpoint index " + file + ": it is " + size + " bytes, more than the "
                        + MAX_INDEX_BYTES + " an index of tensor names and offsets has (is it a data file?)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException("TensorFlow checkpoint index not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new BadInputException("corrupt TensorFlow checkpoint index " + file + ": " + e.getMessage()
                    + " (re-download or re-export the checkpoint)", e);
        }
    }

    static Map<String, ByteBuffer> parse(ByteBuffer file) {
        int size = file.limit();
        if (size < FOOTER_BYTES) {
            throw new IllegalArgumentException("file is " + size + " bytes, shorter than the " + FOOTER_BYTES + "-byte table footer (truncated?)");
        }
        long magic = file.getLong(size - 8);
        if (magic != MAGIC) {
            throw new IllegalArgumentException(String.format("footer magic is 0x%016x, expected 0x%016x (truncated, or not a table file)", magic, MAGIC));
        }
        ByteBuffer footer = file.duplicate().position(size - FOOTER_BYTES).limit(size - 8);
        BlockHandle metaindex = BlockHandle.decode(footer);
        BlockHandle index = BlockHandle.decode(footer);
        long dataEnd = size - FOOTER_BYTES;
        readBlock(file, metaindex, dataEnd, "metaindex block"); // checked, then ignored: TF stores no filters
        Map<byte[], ByteBuffer> indexEntries = entries(readBlock(file, index, dataEnd, "index block"), "index block");

        Map<String, ByteBuffer> out = new LinkedHashMap<>();
        byte[] previous = null;
        int blockNo = 0;
        for (ByteBuffer handleBytes : indexEntries.values()) {
            ByteBuffer hb = handleBytes.duplicate();
            BlockHandle h = BlockHandle.decode(hb);
            String what = "data block " + blockNo++ + " at offset " + h.offset();
            for (Map.Entry<byte[], ByteBuffer> e : entries(readBlock(file, h, dataEnd, what), what).entrySet()) {
                if (previous != null && Arrays.compareUnsigned(previous, e.getKey()) >= 0) {
                    throw new IllegalArgumentException("keys are out of order in " + what);
                }
                previous = e.getKey();
                out.put(new String(e.getKey(), StandardCharsets.UTF_8), e.getValue());
            }
        }
        return out;
    }

    private static ByteBuffer readBlock(ByteBuffer file, BlockHandle h, long limit, String what) {
        if (h.offset() < 0 || h.size() < 0 || h.offset() > limit || h.size() > limit - h.offset() - TRAILER_BYTES) {
            throw new IllegalArgumentException(what + " [" + h.offset() + ", +" + h.size() + "] lies outside the file (truncated?)");
        }
        int start = (int) h.offset();
        int end = start + (int) h.size();
        ByteBuffer block = file.duplicate().position(start).limit(end).slice().order(ByteOrder.LITTLE_ENDIAN);
        byte type = file.get(end);
        int stored = file.getInt(end + 1);
        int actual = Crc32c.mask(Crc32c.of(block, type));
        if (stored != actual) {
            throw new IllegalArgumentException(String.format("checksum mismatch in %s (stored 0x%08x, computed 0x%08x)", what, stored, actual));
        }
        if (type != NO_COMPRESSION) {
            throw new IllegalArgumentException(what + " uses compression type " + type + "; only uncompressed tables (type 0) are supported");
        }
        return block;
    }

    /** Decodes the prefix-compressed entries of one block, checking the restart array. */
    private static Map<byte[], ByteBuffer> entries(ByteBuffer block, String what) {
        int size = block.limit();
        if (size < 4) {
            throw new IllegalArgumentException(what + " is " + size + " bytes, too short for its restart count");
        }
        long restarts = Integer.toUnsignedLong(block.getInt(size - 4));
        long entriesEnd = size - 4 - 4 * restarts;
        if (restarts == 0 || entriesEnd < 0) {
            throw new IllegalArgumentException(what + " has an impossible restart count " + restarts);
        }
        int[] restartOffsets = new int[(int) restarts];
        for (int i = 0; i < restarts; i++) {
            restartOffsets[i] = block.getInt((int) entriesEnd + 4 * i);
        }
        Map<byte[], ByteBuffer> out = new LinkedHashMap<>();
        ByteBuffer in = block.duplicate().limit((int) entriesEnd);
        byte[] key = new byte[0];
        int nextRestart = 0;
        while (in.hasRemaining()) {
            int at = in.position();
            int shared = Varints.readVarint32(in);
            int unshared = Varints.readVarint32(in);
            int valueLength = Varints.readVarint32(in);
            if (nextRestart < restartOffsets.length && restartOffsets[nextRestart] == at) {
                if (shared != 0) {
                    throw new IllegalArgumentException(what + " has a restart point at " + at + " whose key shares a prefix");
                }
                nextRestart++;
            }
            if (shared > key.length || (long) unshared + valueLength > in.remaining()) {
                throw new IllegalArgumentException(what + " has an entry at " + at + " that runs past the block");
            }
            byte[] next = Arrays.copyOf(key, shared + unshared);
            in.get(next, shared, unshared);
            key = next;
            ByteBuffer value = in.slice().limit(valueLength).order(ByteOrder.LITTLE_ENDIAN);
            in.position(in.position() + valueLength);
            out.put(key, value);
        }
        if (!out.isEmpty() && nextRestart != restartOffsets.length) {
            throw new IllegalArgumentException(what + " has restart offsets that do not point at entries");
        }
        return out;
    }
}
