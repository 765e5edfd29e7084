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
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON ({@code name → {dtype, shape, data_offsets}} plus optional
 * {@code __metadata__}), then the raw little-endian tensor bytes. Every entry is checked against
 * the file (UTF-8 header, known dtype, offsets inside the data and matching the shape, no two
 * tensors sharing bytes) before any tensor is touched; reads are memory-mapped in windows of at
 * most 2 GiB, so files of any size load.
 */
public final class SafeTensors {
    /** Headers larger than this are refused (the reference implementation uses the same bound). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    /** Duplicate names in a header are refused (the reference reader cannot hold two either). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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
                header = JSON.readTree(utf8(file, headerBuf.array()));
            } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
                throw corrupt(file, "header nests or grows past what a header of tensor names holds (" + e.getOriginalMessage()
                        .replace(", from `StreamReadConstraints.getMaxNestingDepth()`", "") + ")");
            } catch (JsonProcessingException e) {
                throw corrupt(file, "header is not valid JSON: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw corrupt(file, "header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;

            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) {
                        throw corrupt(file, "__metadata__ is not a JSON object of strings");
                    }
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                entries.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue(), dataLen));
            }
            checkNoOverlap(file, entries);
            return new Contents(map(ch, file, dataStart, entries), metadata);
        } catch (NoSuchFileException e) {
            throw new BadInputException("safetensors file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A header entry, checked against the file: its bytes are {@code [begin, end)} of the data section. */
    private record Entry(String name, Tensor.DType dtype, long[] shape, long begin, long end) {}

    /** The header as UTF-8 (as JSON must be): a name with invalid bytes would silently become another name. */
    private static String utf8(Path file, byte[] header) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position();
            String before = new String(header, Math.max(0, at - 40), at - Math.max(0, at - 40), StandardCharsets.UTF_8);
            throw corrupt(file, "header is not valid UTF-8 at byte " + (8 + at) + " (after \"" + before.replaceAll("\\p{Cntrl}", "?")
                    + "\"); re-save the checkpoint");
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataLen) {
        if (!node.isObject()) {
            throw corrupt(file, "tensor '" + name + "' is a JSON " + node.getNodeType().name().toLowerCase() + ", not {dtype, shape, data_offsets}");
        }
        JsonNode dtypeNode = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || offsets == null || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(file, "tensor '" + name + "' lacks dtype, shape or data_offsets [begin, end]");
        }
        Tensor.DType dtype;
        try {
            dtype = dtypeNode.isTextual() ? Tensor.DType.valueOf(dtypeNode.asText()) : null;
        } catch (IllegalArgumentException ex) {
            dtype = null;
        }
        if (dtype == null) {
            throw corrupt(file, "tensor '" + name + "' has unsupported dtype " + dtypeNode);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = longOr(shapeNode.get(i), -1);
            if (shape[i] < 0) {
                throw corrupt(file, "tensor '" + name + "' has a negative or non-integer dimension");
            }
        }
        long begin = longOr(offsets.get(0), -1);
        long end = longOr(offsets.get(1), -1);
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.numel(shape), dtype.bytes);
        } catch (ArithmeticException ex) {
            throw corrupt(file, "tensor '" + name + "' has an impossible shape");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw corrupt(file, "tensor '" + name + "' has data_offsets [" + offsets.get(0) + ", " + offsets.get(1) + "] outside the "
                    + dataLen + " bytes of data (truncated file?)");
        }
        if (end - begin != expected) {
            throw corrupt(file, "tensor '" + name + "' spans " + (end - begin) + " bytes but its shape and dtype need " + expected);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** An integer JSON value that fits a long, else {@code fallback}. */
    private static long longOr(JsonNode n, long fallback) {
        return n != null && n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : fallback;
    }

    /**
     * No two tensors may share bytes (the reference reader refuses such a file; here one tensor would silently
     * hold another's values). Bytes that belong to no tensor are left alone, as after a tensor is dropped from a header.
     */
    private static void checkNoOverlap(Path file, Map<String, Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        for (Entry e : sorted) {
            if (previous != null && e.begin() < previous.end()) {
                throw corrupt(file, "tensors '" + previous.name() + "' and '" + e.name() + "' overlap (data_offsets [" + previous.begin()
                        + ", " + previous.end() + "] and [" + e.begin() + ", " + e.end() + "]); each tensor needs its own bytes, re-save the checkpoint");
            }
            if (e.end() > e.begin()) {
                previous = e;
            }
        }
    }

    /**
     * The tensors as views of read-only mappings of the data section: consecutive tensors share one mapping of at
     * most {@link Tensor#MAX_BYTES} (one mapping for a whole base-size model), so a file of any size loads; a tensor
     * over that size is {@linkplain Tensor#unreadable unreadable}.
     */
    private static Map<String, Tensor> map(FileChannel ch, Path file, long dataStart, Map<String, Entry> entries) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin));
        Map<String, Tensor> byName = new java.util.HashMap<>();
        int i = 0;
        while (i < sorted.size()) {
            Entry first = sorted.get(i);
            if (first.end() - first.begin() > Tensor.MAX_BYTES) {
                byName.put(first.name(), Tensor.unreadable(first.dtype(), first.shape()));
                i++;
                continue;
            }
            int j = i;
            while (j < sorted.size() && sorted.get(j).end() - first.begin() <= Tensor.MAX_BYTES) {
                j++;
            }
            long length = sorted.get(j - 1).end() - first.begin();
            ByteBuffer window = length == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, dataStart + first.begin(), length);
            for (Entry e : sorted.subList(i, j)) {
                ByteBuffer slice = window.duplicate().position((int) (e.begin() - first.begin())).limit((int) (e.end() - first.begin())).slice();
                byName.put(e.name(), new Tensor(e.dtype(), e.shape(), slice.order(ByteOrder.LITTLE_ENDIAN)));
            }
            i = j;
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        entries.keySet().forEach(name -> tensors.put(name, byName.get(name)));
        return tensors;
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
