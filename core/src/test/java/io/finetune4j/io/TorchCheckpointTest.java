package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {
    @TempDir
    Path dir;

    private static TorchSaveFiles sample() {
        float[] big = new float[70_000]; // numel above 65535: BININT in the persistent id
        for (int i = 0; i < big.length; i++) big[i] = i * 0.5f;
        return new TorchSaveFiles()
                .floats("0", 1, 2, 3, 4, 5, 6, 7, 8)
                .longs("1", 0, 1, 2, 3, 4)
                .halves("2", (short) 0x3c00, (short) 0xc000, (short) 0x3555, (short) 0x0001) // 1, -2, 0.33325, 2^-24
                .bfloat16("3", 1.5f, -0.25f, 3e38f)
                .floats("4", big)
                .tensor("encoder.weight", "0", 0, 2, 3)
                .tensor("encoder.bias", "0", 6, 2) // a second view of the same storage
                .tensor("embeddings.position_ids", "1", 0, 1, 5)
                .tensor("half", "2", 0, 4)
                .tensor("bf16", "3", 0, 3)
                .tensor("big", "4", 0, 700, 100)
                .view("transposed", "0", 0, new long[] {3, 2}, new long[] {1, 3}) // encoder.weight.t()
                .tensor("scalar", "0", 7);
    }

    @Test
    void readsAStateDictAsTorchSaveWritesIt() throws Exception {
        Path file = sample().write(dir.resolve("pytorch_model.bin"));
        Map<String, Tensor> t = TorchCheckpoint.read(file);
        assertEquals(List.of("encoder.weight", "encoder.bias", "embeddings.position_ids", "half", "bf16", "big", "transposed", "scalar"),
                List.copyOf(t.keySet()));
        assertArrayEquals(new long[] {2, 3}, t.get("encoder.weight").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.get("encoder.weight").toFloats());
        assertArrayEquals(new float[] {7, 8}, t.get("encoder.bias").toFloats());
        assertEquals(Tensor.DType.I64, t.get("embeddings.position_ids").dtype());
        assertEquals(4L, t.get("embeddings.position_ids").data().getLong(32));
        assertEquals(Tensor.DType.F32, t.get("half").dtype(), "float16 becomes float32");
        assertArrayEquals(new float[] {1, -2, 0.33325195f, 0x1p-24f}, t.get("half").toFloats());
        assertEquals(Tensor.DType.F32, t.get("bf16").dtype(), "bfloat16 becomes float32");
        float[] bf = t.get("bf16").toFloats();
        assertEquals(1.5f, bf[0]);
        assertEquals(-0.25f, bf[1]);
        assertEquals(3e38f, bf[2], 3e38f * 0.01f);
        assertEquals(69_999 * 0.5f, t.get("big").toFloats()[69_999]);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.get("transposed").toFloats(), "strided views are gathered");
        assertArrayEquals(new long[] {}, t.get("scalar").shape());
        assertArrayEquals(new float[] {8}, t.get("scalar").toFloats());
    }

    @Test
    void refusesAnyOtherGlobalNamingIt() throws Exception {
        TorchSaveFiles.Pickler p = new TorchSaveFiles.Pickler().proto2();
        p.global("os", "system");
        p.unicode("touch " + dir.resolve("pwned"));
        p.op(0x85).op('R').op('.');
        Path file = new TorchSaveFiles().write(dir.resolve("pytorch_model.bin"), p.bytes());
        BadInputException e = assertThrows(BadInputException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains("'os.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("torch._utils._rebuild_tensor_v2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(dir.resolve("pwned")));

        // STACK_GLOBAL (protocol 4) and globals smuggled inside a tensor's arguments are refused too.
        TorchSaveFiles.Pickler p4 = new TorchSaveFiles.Pickler().op(0x80).op(4);
        p4.op(0x8c).op(8).op('b').op('u').op('i').op('l').op('t').op('i').op('n').op('s');
        p4.op(0x8c).op(4).op('e').op('v').op('a').op('l').op(0x93);
        Path file4 = new TorchSaveFiles().write(dir.resolve("four.bin"), p4.bytes());
        assertTrue(assertThrows(BadInputException.class, () -> TorchCheckpoint.read(file4)).getMessage().contains("'builtins.eval'"));
    }

    @Test
    void legacyTruncatedAndBrokenFilesAreOneClearLine() throws Exception {
        Path legacy = Files.write(dir.resolve("legacy.bin"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        assertMessage(legacy, "legacy (before 1.6)");

        byte[] good = Files.readAllBytes(sample().write(dir.resolve("good.bin")));
        Path truncated = Files.write(dir.resolve("truncated.bin"), Arrays.copyOf(good, good.length / 2));
        assertMessage(truncated, "truncated or damaged");

        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertMessage(empty, "not a PyTorch checkpoint");

        // A pickle whose view runs past its storage (a short data/0 entry).
        TorchSaveFiles shortStorage = new TorchSaveFiles().floats("0", 1, 2).tensor("w", "0", 0, 2, 3);
        assertMessage(shortStorage.write(dir.resolve("short.bin")), "truncated");

        // A pickle cut short.
        byte[] pkl = sample().pickle();
        assertMessage(sample().write(dir.resolve("cut.bin"), Arrays.copyOf(pkl, pkl.length - 20)), "ends early");
    }

    private static void assertMessage(Path file, String part) {
        BadInputException e = assertThrows(BadInputException.class, () -> TorchCheckpoint.read(file));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Files written by real torch.save (tests/fixtures/make_pytorch_bin_fixtures.py, PyTorch 1.13), when present. */
    @Test
    void readsWhatRealTorchSaveWrote() throws Exception {
        Path fixtures = Path.of("tests/fixtures/pytorch");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(fixtures.resolve("state-dict.bin")), "no torch.save fixtures");
        com.fasterxml.jackson.databind.JsonNode expected = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(fixtures.resolve("expected.json").toFile());
        Map<String, Tensor> t = TorchCheckpoint.read(fixtures.resolve("state-dict.bin"));
        List<String> names = new java.util.ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(names, List.copyOf(t.keySet()), "every tensor, in state-dict order");
        for (String name : names) {
            com.fasterxml.jackson.databind.JsonNode e = expected.get(name);
            Tensor tensor = t.get(name);
            long[] shape = new long[e.get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = e.get("shape").get(i).asLong();
            assertArrayEquals(shape, tensor.shape(), name);
            com.fasterxml.jackson.databind.JsonNode values = e.get("values");
            if (e.get("dtype").asText().equals("int64")) {
                assertEquals(Tensor.DType.I64, tensor.dtype(), name);
                for (int i = 0; i < values.size(); i++) assertEquals(values.get(i).asLong(), tensor.data().getLong(8 * i), name);
            } else {
                assertEquals(Tensor.DType.F32, tensor.dtype(), name + " (float16/bfloat16 come back as float32)");
                float[] v = tensor.toFloats();
                assertEquals(values.size(), v.length, name);
                for (int i = 0; i < v.length; i++) assertEquals((float) values.get(i).asDouble(), v[i], 0f, name + "[" + i + "]");
            }
        }
        BadInputException e = assertThrows(BadInputException.class, () -> TorchCheckpoint.read(fixtures.resolve("malicious.bin")));
        assertTrue(e.getMessage().contains("'posix.system'"), e.getMessage());
        assertFalse(Files.exists(Path.of("/tmp/finetune4j-pwned")));
    }
}
