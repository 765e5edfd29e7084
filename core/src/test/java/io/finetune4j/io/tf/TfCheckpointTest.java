package io.finetune4j.io.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfCheckpointTest {
    @TempDir
    Path dir;

    private final Random random = new Random(42);

    private float[] randomFloats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private final List<TfBundleWriter.Var> sample = buildSample();

    private List<TfBundleWriter.Var> sampleVars() {
        return sample;
    }

    /** Names that share long prefixes (so keys are delta-encoded) spread over several blocks. */
    private List<TfBundleWriter.Var> buildSample() {
        List<TfBundleWriter.Var> vars = new ArrayList<>();
        vars.add(TfBundleWriter.Var.floats("module/bert/embeddings/word_embeddings", new long[] {7, 3}, randomFloats(21)));
        vars.add(TfBundleWriter.Var.floats("module/bert/embeddings/LayerNorm/gamma", new long[] {3}, randomFloats(3)));
        vars.add(TfBundleWriter.Var.floats("module/bert/embeddings/LayerNorm/beta", new long[] {3}, randomFloats(3)));
        for (String m : new String[] {"query", "key", "value"}) {
            vars.add(TfBundleWriter.Var.floats("module/bert/encoder/layer_0/attention/self/" + m + "/kernel", new long[] {3, 3}, randomFloats(9)));
            vars.add(TfBundleWriter.Var.floats("module/bert/encoder/layer_0/attention/self/" + m + "/bias", new long[] {3}, randomFloats(3)));
        }
        vars.add(TfBundleWriter.Var.floats("module/cls/predictions/output_bias", new long[] {7}, randomFloats(7)));
        vars.add(TfBundleWriter.Var.floats("scalar", new long[] {}, new float[] {2.5f}));
        return vars;
    }

    private Path writeSample(TfBundleWriter writer) throws IOException {
        Path prefix = dir.resolve("variables/variables");
        writer.write(prefix, sampleVars());
        return prefix;
    }

    @Test
    void readsBackEveryTensorFromAMultiBlockTable() throws IOException {
        Path prefix = writeSample(new TfBundleWriter().blockBytes(80).restartInterval(2));
        Map<String, ByteBuffer> table = SsTable.read(dir.resolve("variables/variables.index"));
        assertEquals(sampleVars().size() + 1, table.size(), "header plus one entry per variable");

        List<TfBundleWriter.Var> expected = sampleVars();
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            List<String> sortedNames = expected.stream().map(TfBundleWriter.Var::name).sorted().toList();
            assertEquals(sortedNames, ckpt.names());
            for (TfBundleWriter.Var v : expected) {
                Tensor t = ckpt.tensor(v.name());
                assertEquals(Tensor.DType.F32, t.dtype());
                assertArrayEquals(v.shape(), t.shape(), v.name());
                byte[] bytes = new byte[t.data().remaining()];
                t.data().duplicate().get(bytes);
                assertArrayEquals(v.data(), bytes, v.name());
            }
        }
    }

    @Test
    void acceptsTheVariablesFolderAndSingleBlockTables() throws IOException {
        writeSample(new TfBundleWriter().blockBytes(1 << 20).restartInterval(16));
        try (TfCheckpoint ckpt = TfCheckpoint.open(dir.resolve("variables"))) {
            assertEquals(sampleVars().size(), ckpt.names().size());
            assertEquals(2.5f, ckpt.tensor("scalar").toFloats()[0]);
        }
    }

    @Test
    void corruptTensorBytesFailTheChecksumNamingVariableAndFile() throws IOException {
        Path prefix = writeSample(new TfBundleWriter());
        Path data = dir.resolve("variables/variables.data-00000-of-00001");
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            long offset = ckpt.entry("module/cls/predictions/output_bias").offset();
            byte[] bytes = Files.readAllBytes(data);
            bytes[(int) offset + 5] ^= 0x10;
            Files.write(data, bytes);
        }
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            BadInputException e = assertThrows(BadInputException.class, () -> ckpt.tensor("module/cls/predictions/output_bias"));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            assertTrue(e.getMessage().contains("module/cls/predictions/output_bias"), e.getMessage());
            assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
            assertEquals(9, ckpt.tensor("module/bert/encoder/layer_0/attention/self/query/kernel").numel(), "other tensors still read");
        }
    }

    @Test
    void corruptIndexBlockFailsItsChecksum() throws IOException {
        writeSample(new TfBundleWriter());
        Path index = dir.resolve("variables/variables.index");
        byte[] bytes = Files.readAllBytes(index);
        bytes[3] ^= 0x01; // inside the first data block
        Files.write(index, bytes);
        BadInputException e = assertThrows(BadInputException.class, () -> TfCheckpoint.open(dir.resolve("variables/variables")));
        assertTrue(e.getMessage().contains("checksum mismatch in data block 0"), e.getMessage());
        assertTrue(e.getMessage().contains(index.toString()), e.getMessage());
    }

    @Test
    void truncatedIndexIsReportedAsSuch() throws IOException {
        writeSample(new TfBundleWriter());
        Path index = dir.resolve("variables/variables.index");
        byte[] bytes = Files.readAllBytes(index);
        Files.write(index, Arrays.copyOf(bytes, bytes.length - 7));
        BadInputException e = assertThrows(BadInputException.class, () -> TfCheckpoint.open(dir.resolve("variables/variables")));
        assertTrue(e.getMessage().contains("magic") && e.getMessage().contains("truncated"), e.getMessage());

        Files.write(index, Arrays.copyOf(bytes, 20));
        e = assertThrows(BadInputException.class, () -> TfCheckpoint.open(dir.resolve("variables/variables")));
        assertTrue(e.getMessage().contains("shorter than the 48-byte table footer"), e.getMessage());
    }

    @Test
    void truncatedDataFileNamesTheVariableThatIsCutOff() throws IOException {
        Path prefix = writeSample(new TfBundleWriter());
        Path data = dir.resolve("variables/variables.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(data);
        Files.write(data, Arrays.copyOf(bytes, bytes.length - 2));
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            String last = ckpt.names().stream().max((a, b) -> Long.compare(ckpt.entry(a).offset(), ckpt.entry(b).offset())).orElseThrow();
            BadInputException e = assertThrows(BadInputException.class, () -> ckpt.tensor(last));
            assertTrue(e.getMessage().contains(last) && e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void compressedBlocksAndUnsupportedDtypesAreRefused() throws IOException {
        writeSample(new TfBundleWriter().compressionType((byte) 1));
        BadInputException e = assertThrows(BadInputException.class, () -> TfCheckpoint.open(dir.resolve("variables/variables")));
        assertTrue(e.getMessage().contains("compression type 1"), e.getMessage());

        Path prefix = dir.resolve("strings/variables");
        new TfBundleWriter().write(prefix, List.of(new TfBundleWriter.Var("names", BundleEntry.DT_STRING, new long[] {2}, new byte[] {1, 2})));
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            e = assertThrows(BadInputException.class, () -> ckpt.tensor("names"));
            assertTrue(e.getMessage().contains("'names'") && e.getMessage().contains("unsupported TF dtype 7"), e.getMessage());
        }
    }

    /** A BundleEntryProto of a float variable with the given shape, offset and size (any values, no checks). */
    private static byte[] floatEntry(long[] shape, long offset, long size) {
        java.io.ByteArrayOutputStream dims = new java.io.ByteArrayOutputStream();
        for (long d : shape) {
            java.io.ByteArrayOutputStream dim = new java.io.ByteArrayOutputStream();
            dim.write(0x08);
            TfBundleWriter.varint(dim, d);
            dims.write(0x12);
            TfBundleWriter.varint(dims, dim.size());
            dims.writeBytes(dim.toByteArray());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x08);
        out.write(BundleEntry.DT_FLOAT);
        out.write(0x12);
        TfBundleWriter.varint(out, dims.size());
        out.writeBytes(dims.toByteArray());
        out.write(0x20);
        TfBundleWriter.varint(out, offset);
        out.write(0x28);
        TfBundleWriter.varint(out, size);
        out.write(0x35);
        out.writeBytes(new byte[4]);
        return out.toByteArray();
    }

    @Test
    void sizesAndOffsetsBeyondTheFileOr2GiBAreOneLine() throws IOException {
        Path prefix = Files.createDirectories(dir.resolve("odd")).resolve("variables");
        List<byte[]> keys = List.of(new byte[0], "big".getBytes(), "far".getBytes());
        List<byte[]> values = List.of(new byte[] {0x08, 0x01}, floatEntry(new long[] {600_000_000}, 0, 2_400_000_000L),
                floatEntry(new long[] {1}, Long.MAX_VALUE - 2, 4));
        Files.write(prefix.resolveSibling("variables.index"), new TfBundleWriter().table(keys, values));
        Files.write(prefix.resolveSibling("variables.data-00000-of-00001"), new byte[8]);
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            BadInputException big = assertThrows(BadInputException.class, () -> ckpt.tensor("big"));
            assertTrue(big.getMessage().contains("variable 'big' of TensorFlow checkpoint " + prefix
                    + " is 2400000000 bytes; one tensor over 2 GiB cannot be read here"), big.getMessage());
            BadInputException far = assertThrows(BadInputException.class, () -> ckpt.tensor("far"));
            assertTrue(far.getMessage().contains("has 8 bytes (truncated download?)"), far.getMessage());
        }
    }

    @Test
    void missingFilesAndUnknownVariablesAreClearErrors() throws IOException {
        BadInputException e = assertThrows(BadInputException.class, () -> TfCheckpoint.open(dir.resolve("nothing/variables")));
        assertTrue(e.getMessage().contains("index not found"), e.getMessage());

        Path prefix = writeSample(new TfBundleWriter());
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            e = assertThrows(BadInputException.class, () -> ckpt.tensor("module/bert/nope"));
            assertTrue(e.getMessage().contains("no variable 'module/bert/nope'"), e.getMessage());
        }
        Files.delete(dir.resolve("variables/variables.data-00000-of-00001"));
        e = assertThrows(BadInputException.class, () -> TfCheckpoint.open(prefix));
        assertTrue(e.getMessage().contains("data file not found"), e.getMessage());
    }

    @Test
    void crcMaskRoundTrips() {
        for (int crc : new int[] {0, 1, -1, 0x12345678, 0xdeadbeef}) {
            assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
        }
        // LevelDB's own test vector: crc32c("123456789") = 0xe3069283
        assertEquals(0xe3069283, Crc32c.of(ByteBuffer.wrap("123456789".getBytes())));
    }
}
