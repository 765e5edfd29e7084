package io.finetune4j.io.tf;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow "tensor bundle" checkpoint ({@code PREFIX.index} + {@code PREFIX.data-NNNNN-of-MMMMM}),
 * the format of a SavedModel's {@code variables/} folder, read without TensorFlow.
 *
 * <p>Opening reads and verifies the index; {@link #tensor(String)} maps one tensor's bytes from its
 * data shard and verifies their CRC-32C. Tensors stay valid after {@link #close()} (they are
 * read-only memory mappings). Every problem with the files is a {@link BadInputException} naming the
 * file and, where there is one, the variable.
 */
public final class TfCheckpoint implements AutoCloseable {
    private final Path prefix;
    private final Path indexFile;
    private final Map<String, BundleEntry> entries;
    private final FileChannel[] shards;
    private final Path[] shardFiles;

    private TfCheckpoint(Path prefix, Path indexFile, Map<String, BundleEntry> entries, Path[] shardFiles, FileChannel[] shards) {
        this.prefix = prefix;
        this.indexFile = indexFile;
        this.entries = entries;
        this.shardFiles = shardFiles;
        this.shards = shards;
    }

    /**
     * Opens the bundle with this prefix, e.g. {@code .../variables/variables} for the files
     * {@code variables.index} and {@code variables.data-00000-of-00001}. A SavedModel's
     * {@code variables} folder itself is accepted too.
     */
    public static TfCheckpoint open(Path variablesPrefix) {
        Path prefix = variablesPrefix;
        if (Files.isDirectory(prefix)) {
            prefix = prefix.resolve("variables");
        }
        Path index = sibling(prefix, ".index");
        if (!Files.isRegularFile(index)) {
            throw new BadInputException("TensorFlow checkpoint index not found: " + index
                    + " (give the checkpoint prefix, e.g. .../variables/variables)");
        }
        Map<String, ByteBuffer> table = SsTable.read(index);
        ByteBuffer headerBytes = table.get("");
        if (headerBytes == null) {
            throw corruptIndex(index, "it has no bundle header (empty key); is this a TF2 tensor bundle?");
        }
        BundleEntry.Header header;
        Map<String, BundleEntry> entries = new LinkedHashMap<>();
        String current = "";
        try {
            header = BundleEntry.Header.parse(headerBytes);
            for (Map.Entry<String, ByteBuffer> e : table.entrySet()) {
                current = e.getKey();
                if (!current.isEmpty()) {
                    entries.put(current, BundleEntry.parse(e.getValue()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw corruptIndex(index, (current.isEmpty() ? "bundle header" : "entry of variable '" + current + "'") + ": " + e.getMessage());
        }
        if (header.endianness() != 0) {
            throw new BadInputException("TensorFlow checkpoint " + index + " is big-endian; only little-endian bundles are supported");
        }
        Path[] files = new Path[header.numShards()];
        FileChannel[] channels = new FileChannel[header.numShards()];
        try {
            for (int i = 0; i < files.length; i++) {
                files[i] = sibling(prefix, String.format(".data-%05d-of-%05d", i, header.numShards()));
                channels[i] = FileChannel.open(files[i], StandardOpenOption.READ);
            }
        } catch (NoSuchFileException e) {
            closeAll(channels);
            throw new BadInputException("TensorFlow checkpoint data file not found: " + e.getFile()
                    + " (its index " + index + " lists " + files.length + " shard(s); copy all of them)");
        } catch (IOException e) {
            closeAll(channels);
            throw new UncheckedIOException("cannot open the data files of " + index + ": " + e.getMessage(), e);
        }
        return new TfCheckpoint(prefix, index, Collections.unmodifiableMap(entries), files, channels);
    }

    public Path prefix() {
        return prefix;
    }

    /** Variable names in the index's (sorted) order. */
    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Index entry of a variable: dtype, shape, where its bytes are. */
    public BundleEntry entry(String name) {
        BundleEntry e = entries.get(name);
        if (e == null) {
            throw new BadInputException("no variable '" + name + "' in TensorFlow checkpoint " + indexFile
                    + " (it has " + entries.size() + " variables; list them with names())");
        }
        return e;
    }

    /** The variable's values, checksum-verified, as a read-only little-endian view of the data file. */
    public Tensor tensor(String name) {
        BundleEntry e = entry(name);
        String where = "variable '" + name + "' of TensorFlow checkpoint " + prefix;
        if (e.sliced()) {
            throw new BadInputException(where + " is stored as partitioned slices, which are not supported");
        }
        Tensor.DType dtype = dtypeOf(e.dtype());
        if (dtype == null) {
            throw new BadInputException(where + " has unsupported TF dtype " + e.dtype() + " (supported: float, double, half, bfloat16, int8-64, uint8, bool)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.numel(e.shape()), dtype.bytes);
        } catch (ArithmeticException ex) {
            throw new BadInputException(where + " has an impossible shape " + Arrays.toString(e.shape()));
        }
        if (e.size() != expected) {
            throw new BadInputException(where + " is " + e.size() + " bytes but shape " + Arrays.toString(e.shape())
                    + " of " + dtype + " needs " + expected + " (corrupt index?)");
        }
        if (e.size() > Tensor.MAX_BYTES) {
            throw new BadInputException(where + " is " + e.size() + " bytes; one tensor over 2 GiB cannot be read here");
        }
        if (e.shardId() >= shards.length) {
            throw new BadInputException(where + " names data shard " + e.shardId() + " but the bundle has " + shards.length);
        }
        Path file = shardFiles[e.shardId()];
        ByteBuffer data;
        try {
            FileChannel ch = shards[e.shardId()];
            if (e.offset() < 0 || e.offset() > ch.size() - e.size()) {
                throw new BadInputException(where + " lies at bytes [" + e.offset() + ", +" + e.size()
                        + ") but " + file + " has " + ch.size() + " bytes (truncated download?)");
            }
            data = e.size() == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, e.offset(), e.size());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + where + " from " + file + ": " + ex.getMessage(), ex);
        }
        int actual = Crc32c.of(data);
        if (Crc32c.unmask(e.crc32c()) != actual) {
            throw new BadInputException(String.format("checksum mismatch for %s in %s (stored 0x%08x, data has 0x%08x): "
                    + "the file is corrupt; re-download or re-export it", where, file, Crc32c.unmask(e.crc32c()), actual));
        }
        return new Tensor(dtype, e.shape(), data.order(ByteOrder.LITTLE_ENDIAN));
    }

    /** TF {@code DataType} → safetensors dtype, or null when there is no equivalent (strings, complex, ...). */
    public static Tensor.DType dtypeOf(int tfDtype) {
        return switch (tfDtype) {
            case BundleEntry.DT_FLOAT -> Tensor.DType.F32;
            case BundleEntry.DT_DOUBLE -> Tensor.DType.F64;
            case BundleEntry.DT_HALF -> Tensor.DType.F16;
            case BundleEntry.DT_BFLOAT16 -> Tensor.DType.BF16;
            case BundleEntry.DT_INT64 -> Tensor.DType.I64;
            case BundleEntry.DT_INT32 -> Tensor.DType.I32;
            case BundleEntry.DT_INT16 -> Tensor.DType.I16;
            case BundleEntry.DT_INT8 -> Tensor.DType.I8;
            case BundleEntry.DT_UINT8 -> Tensor.DType.U8;
            case BundleEntry.DT_BOOL -> Tensor.DType.BOOL;
            default -> null;
        };
    }

    @Override
    public void close() {
        closeAll(shards);
    }

    private static void closeAll(FileChannel[] channels) {
        for (FileChannel ch : channels) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // read-only channel: nothing was buffered
                }
            }
        }
    }

    private static Path sibling(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    private static BadInputException corruptIndex(Path index, String what) {
        return new BadInputException("corrupt TensorFlow checkpoint index " + index + ": " + what + " (re-download or re-export the checkpoint)");
    }
}
