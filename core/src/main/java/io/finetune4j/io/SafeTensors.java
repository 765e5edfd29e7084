package io.finetune4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON ({@code name → {dtype, shape, data_offsets}} plus optional
 * {@code __metadata__}), then the raw little-endian tensor bytes. Reads are memory-mapped and
 * every offset is checked against the file before any tensor is touched.
 */
public final class SafeTensors {
    /** Headers larger than this are refused (the reference implementation uses the same bound). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** Reads every tensor of one file. Tensors are views of a read-only mapping of the file. */
    public static Map<String, Tensor> read(Path file) {
        return readWithMetadata(file).tensors();
    }

    /** Tensors and the {@code __metadata__} strings of one file. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    public static Contents readWithMetadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw corrupt(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw corrupt(file, "header length " + headerLen + " is outside 2.." + MAX_HEADER_BYTES);
            }
            if (8 + headerLen > size) {
                throw corrupt(file, "header length " + headerLen + " runs past the end of the " + size + "-byte file (truncated?)");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw corrupt(file, "header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw corrupt(file, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            ByteBuffer mapped = dataLen == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            mapped.order(ByteOrder.LITTLE_ENDIAN);

            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue(), mapped, dataLen));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new BadInputException("safetensors file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Tensor parseEntry(Path file, String name, JsonNode node, ByteBuffer data, long dataLen) {
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || offsets == null || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(file, "tensor '" + name + "' lacks dtype, shape or data_offsets [begin, end]");
        }
        Tensor.DType dtype;
        try {
            dtype = Tensor.DType.valueOf(dtypeNode.asText());
        } catch (IllegalArgumentException ex) {
            throw corrupt(file, "tensor '" + name + "' has unsupported dtype " + dtypeNode.asText());
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw corrupt(file, "tensor '" + name + "' has a negative or non-integer dimension");
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.numel(shape), dtype.bytes);
        } catch (ArithmeticException ex) {
            throw corrupt(file, "tensor '" + name + "' has an impossible shape");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw corrupt(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] outside the "
                    + dataLen + " bytes of data (truncated file?)");
        }
        if (end - begin != expected) {
            throw corrupt(file, "tensor '" + name + "' spans " + (end - begin) + " bytes but its shape and dtype need " + expected);
        }
        ByteBuffer slice = data.duplicate().position((int) begin).limit((int) end).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(dtype, shape, slice);
    }

    /**
     * Reads the weights of a HF checkpoint folder in any format finetune4j reads (safetensors, sharded
     * or not, and PyTorch's pytorch_model.bin): see {@link StateDictReader#read(Path)}.
     */
    public static Map<String, Tensor> readCheckpoint(Path dir) {
        return StateDictReader.read(dir);
    }

    /** Writes tensors to one file atomically (temporary file, then rename). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        List<Tensor> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long len = t.data().remaining();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype().name());
            var shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            var offs = entry.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + len);
            offset += len;
            order.add(t);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Pad the header with spaces to a multiple of 8 so tensor data is aligned (as the reference writer does).
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);
        head.put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.writeFile(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Tensor t : order) {
                    writeFully(ch, t.data().duplicate());
                }
                ch.force(true);
            }
        });
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static BadInputException corrupt(Path file, String what) {
        return new BadInputException("corrupt safetensors file " + file + ": " + what);
    }
}
