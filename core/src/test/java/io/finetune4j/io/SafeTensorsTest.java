package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsValuesShapesAndMetadata() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", Tensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}));
        tensors.put("b.ids", Tensor.ofLongs(new long[] {2}, new long[] {7, Long.MAX_VALUE}));
        tensors.put("scalar", Tensor.ofFloats(new long[] {}, new float[] {3.25f}));
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        SafeTensors.Contents back = SafeTensors.readWithMetadata(file);
        assertEquals("pt", back.metadata().get("format"));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, back.tensors().get("a.weight").toFloats());
        assertArrayEquals(new long[] {2, 3}, back.tensors().get("a.weight").shape());
        assertEquals(Long.MAX_VALUE, back.tensors().get("b.ids").data().getLong(8));
        assertArrayEquals(new float[] {3.25f}, back.tensors().get("scalar").toFloats());
        assertEquals(0, (Files.size(file) - 8 - headerLength(file)) % 4);
        assertEquals(0, headerLength(file) % 8, "header padded to 8 bytes");
    }

    @Test
    void convertsHalfPrecision() {
        ByteBuffer f16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        f16.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001).flip(); // 1, -2, smallest subnormal
        assertArrayEquals(new float[] {1f, -2f, 0x1p-24f}, new Tensor(Tensor.DType.F16, new long[] {3}, f16).toFloats());
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        bf16.putShort((short) 0x3fc0).putShort((short) 0xbf80).flip(); // 1.5, -1
        assertArrayEquals(new float[] {1.5f, -1f}, new Tensor(Tensor.DType.BF16, new long[] {2}, bf16).toFloats());
    }

    @Test
    void truncatedFileIsAClearError() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4})), Map.of());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(file) - 4);
        }
        BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("tensor 'w' has data_offsets [0, 16] outside the 12 bytes"), e.getMessage());
    }

    @Test
    void hugeOrBrokenHeadersAreRefused() throws Exception {
        Path huge = dir.resolve("huge.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200L * 1024 * 1024).putLong(0);
        Files.write(huge, b.array());
        assertTrue(assertThrows(BadInputException.class, () -> SafeTensors.read(huge)).getMessage().contains("header length"));

        Path junk = dir.resolve("junk.safetensors");
        byte[] json = "{not json".getBytes(StandardCharsets.UTF_8);
        ByteBuffer j = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json);
        Files.write(junk, j.array());
        assertTrue(assertThrows(BadInputException.class, () -> SafeTensors.read(junk)).getMessage().contains("not valid JSON"));

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertThrows(BadInputException.class, () -> SafeTensors.read(tiny));
    }

    @Test
    void shapeAndSizeMustAgree() throws Exception {
        Path file = dir.resolve("bad.safetensors");
        byte[] json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer j = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json);
        Files.write(file, j.array());
        BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("spans 8 bytes but its shape and dtype need 12"), e.getMessage());
    }

    @Test
    void readsShardedCheckpoints() throws Exception {
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), Map.of("a", Tensor.ofFloats(new long[] {1}, new float[] {1})), Map.of());
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), Map.of("b", Tensor.ofFloats(new long[] {1}, new float[] {2})), Map.of());
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE),
                "{\"metadata\":{},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        Map<String, Tensor> all = SafeTensors.readCheckpoint(dir);
        assertEquals(2f, all.get("b").toFloats()[0]);
        assertEquals(2, all.size());
    }

    @Test
    void aFailedWriteLeavesThePreviousFileIntact() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ofFloats(new long[] {1}, new float[] {1})), Map.of());
        assertThrows(RuntimeException.class, () -> AtomicFiles.writeFile(file, tmp -> {
            Files.writeString(tmp, "partial");
            throw new java.io.IOException("disk full");
        }));
        assertEquals(1f, SafeTensors.read(file).get("w").toFloats()[0]);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    /** A file with this header text (UTF-8 unless raw bytes are given) and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String name, byte[] json, int dataBytes) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json);
        return Files.write(dir.resolve(name), b.array());
    }

    private static String refusal(Path file) {
        BadInputException e = assertThrows(BadInputException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void tensorsThatShareBytesAreRefused() throws Exception {
        String same = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertTrue(refusal(withHeader("same.safetensors", same.getBytes(StandardCharsets.UTF_8), 8))
                .contains("tensors 'a' and 'b' overlap (data_offsets [0, 8] and [0, 8])"));
        String partly = "{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertTrue(refusal(withHeader("partly.safetensors", partly.getBytes(StandardCharsets.UTF_8), 12)).contains("'a' and 'b' overlap"));
        // Bytes that belong to no tensor (a tensor dropped from the header) are no overlap: the file reads.
        String gap = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}";
        assertEquals(2, SafeTensors.read(withHeader("gap.safetensors", gap.getBytes(StandardCharsets.UTF_8), 12)).size());
    }

    @Test
    void headersMustBeValidUtf8AndWellFormed() throws Exception {
        byte[] bad = "{\"classifier.XX\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        bad[13] = (byte) 0xff;
        bad[14] = (byte) 0xfe;
        assertTrue(refusal(withHeader("utf8.safetensors", bad, 4)).contains("header is not valid UTF-8 at byte 21 (after \"{\"classifier.\")"));

        String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertTrue(refusal(withHeader("dup.safetensors", dup.getBytes(StandardCharsets.UTF_8), 8)).contains("Duplicate field 'a'"));
        assertTrue(refusal(withHeader("num.safetensors", "{\"a\":5}".getBytes(StandardCharsets.UTF_8), 0))
                .contains("tensor 'a' is a JSON number, not {dtype, shape, data_offsets}"));
        assertTrue(refusal(withHeader("dtype.safetensors", "{\"a\":{\"dtype\":{\"F32\":1},\"shape\":[1],\"data_offsets\":[0,4]}}"
                .getBytes(StandardCharsets.UTF_8), 4)).contains("unsupported dtype {\"F32\":1}"));
        assertTrue(refusal(withHeader("float.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}"
                .getBytes(StandardCharsets.UTF_8), 4)).contains("negative or non-integer dimension"));
        assertTrue(refusal(withHeader("offs.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551620]}}"
                .getBytes(StandardCharsets.UTF_8), 4)).contains("data_offsets [0, 18446744073709551620] outside the 4 bytes"));
        String deep = "{\"x\":".repeat(2000) + "1" + "}".repeat(2000);
        assertTrue(refusal(withHeader("deep.safetensors", deep.getBytes(StandardCharsets.UTF_8), 0))
                .contains("header nests or grows past what a header of tensor names holds (Document nesting depth (1001) exceeds the maximum allowed (1000))"));
        assertTrue(refusal(withHeader("meta.safetensors", "{\"__metadata__\":[1]}".getBytes(StandardCharsets.UTF_8), 0))
                .contains("__metadata__ is not a JSON object"));
    }

    /**
     * A sparse 4.7 GiB file: tensors past 2 GiB are read through a second mapping, and a 2.2 GiB tensor is
     * listed (name, shape) but its values cannot be read, with one line saying so.
     */
    @Test
    void filesOver2GiBReadAndATensorOver2GiBIsListedUnreadable() throws Exception {
        long quarterGiBFloats = 1L << 26;
        Path file = new SparseSafeTensors()
                .tensor("first", Tensor.ofFloats(new long[] {2}, new float[] {1, 2}))
                .hole("pad.0", Tensor.DType.F32, 5 * quarterGiBFloats) // 1.25 GiB
                .hole("pad.1", Tensor.DType.F32, 5 * quarterGiBFloats)
                .tensor("after", Tensor.ofFloats(new long[] {3}, new float[] {7, 8, 9}))
                .hole("huge", Tensor.DType.F32, 9 * quarterGiBFloats) // 2.25 GiB
                .tensor("last", Tensor.ofLongs(new long[] {1}, new long[] {42}))
                .write(dir.resolve("large.safetensors"));
        assertTrue(Files.size(file) > (4L << 30) + (3L << 28), "size " + Files.size(file));
        assertTrue(SparseSafeTensors.diskKilobytes(file) < 1024, "the file is sparse on disk");

        Map<String, Tensor> t = SafeTensors.read(file);
        assertEquals(java.util.List.of("first", "pad.0", "pad.1", "after", "huge", "last"), java.util.List.copyOf(t.keySet()));
        assertArrayEquals(new float[] {1, 2}, t.get("first").toFloats());
        assertArrayEquals(new float[] {7, 8, 9}, t.get("after").toFloats());
        assertEquals(42L, t.get("last").data().getLong(0));
        assertEquals(0f, t.get("pad.1").data().getFloat((int) (5 * quarterGiBFloats * 4 - 4)));
        Tensor huge = t.get("huge");
        assertFalse(huge.readable());
        assertArrayEquals(new long[] {9 * quarterGiBFloats}, huge.shape());
        BadInputException e = assertThrows(BadInputException.class, huge::data);
        assertTrue(e.getMessage().contains("one tensor over 2 GiB cannot be read here"), e.getMessage());
    }

    private static long headerLength(Path file) throws Exception {
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            in.readNBytes(head, 0, 8);
        }
        return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
