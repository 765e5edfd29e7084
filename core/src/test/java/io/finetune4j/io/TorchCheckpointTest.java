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

    /** A state dict {'w': tensor} whose persistent id declares {@code numel} floats of storage data/0. */
    private static byte[] oneTensorPickle(long numel, long[] size, long[] stride) {
        TorchSaveFiles.Pickler p = new TorchSaveFiles.Pickler().proto2();
        p.global("collections", "OrderedDict").op(')').op('R').op('(');
        p.unicode("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu").integer(numel).op('t').op('Q');
        p.integer(0).tuple(size).tuple(stride).op(0x89).global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        return p.op('u').op('.').bytes();
    }

    @Test
    void stringAndIntegerLengthsAreCheckedAgainstThePickle() throws Exception {
        for (int length : new int[] {-5, Integer.MAX_VALUE}) {
            TorchSaveFiles.Pickler p = new TorchSaveFiles.Pickler().proto2();
            p.global("collections", "OrderedDict").op(')').op('R').op('(').op('X');
            for (int i = 0; i < 4; i++) p.op((length >>> (8 * i)) & 0xff);
            p.op('a').op('b').op('c').op('u').op('.');
            Path file = new TorchSaveFiles().write(dir.resolve("len" + length + ".bin"), p.bytes());
            assertMessage(file, "claims " + Integer.toUnsignedString(length) + " bytes but only 5 follow");
        }
        Path numel = new TorchSaveFiles().floats("0", 0f).write(dir.resolve("numel.bin"),
                oneTensorPickle(1L << 62, new long[] {1}, new long[] {1}));
        assertMessage(numel, "storage data/0 declares 4611686018427387904 elements of FloatStorage, over the 2 GiB");
        Path notUtf8 = new TorchSaveFiles().write(dir.resolve("utf8.bin"),
                new TorchSaveFiles.Pickler().proto2().op('X').op(2).op(0).op(0).op(0).op(0xff).op(0xfe).op('.').bytes());
        assertMessage(notUtf8, "is not valid UTF-8");
    }

    @Test
    void expandedViewsAreCopiedWithinABound() throws Exception {
        // [60000, 60000] with stride (0, 0) over one float: 14.4 GB if copied.
        Path bomb = new TorchSaveFiles().floats("0", 1f).view("w", "0", 0, new long[] {60_000, 60_000}, new long[] {0, 0})
                .write(dir.resolve("bomb.bin"));
        assertMessage(bomb, "would be copied into 14400000000 bytes");
        // Six [20000, 20000] (1.6 GB each) are refused at the first.
        TorchSaveFiles six = new TorchSaveFiles().floats("0", 1f);
        for (int i = 0; i < 6; i++) six.view("bomb." + i, "0", 0, new long[] {20_000, 20_000}, new long[] {0, 0});
        assertMessage(six.write(dir.resolve("six.bin")), "refused");
        // A small expanded view (what torch.expand gives) still loads.
        Path small = new TorchSaveFiles().floats("0", 2.5f).view("w", "0", 0, new long[] {4}, new long[] {0}).write(dir.resolve("small.bin"));
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f}, TorchCheckpoint.read(small).get("w").toFloats());
        // Sizes and strides whose product overflows 64 bits.
        Path overflow = new TorchSaveFiles().floats("0", 1f).view("w", "0", 0, new long[] {1L << 40, 1L << 40}, new long[] {1L << 40, 1})
                .write(dir.resolve("overflow.bin"));
        assertMessage(overflow, "overflows 64 bits");
    }

    @Test
    void deepOrCyclicDictsAreOneLine() throws Exception {
        TorchSaveFiles.Pickler deep = new TorchSaveFiles.Pickler().proto2();
        int n = 10_000;
        for (int i = 0; i < n; i++) deep.op('}').unicode("a");
        deep.op('}');
        for (int i = 0; i < n; i++) deep.op('s');
        assertMessage(new TorchSaveFiles().write(dir.resolve("deep.bin"), deep.op('.').bytes()), "nest more than " + TorchPickle.MAX_DEPTH + " deep");

        // d = {}; d['a'] = d
        byte[] cyclic = new TorchSaveFiles.Pickler().proto2().op('}').op('q').op(0).unicode("a").op('h').op(0).op('s').op('.').bytes();
        assertMessage(new TorchSaveFiles().write(dir.resolve("cyclic.bin"), cyclic), "the dict at key 'a' contains itself");

        // d0 = {}; d_i = {'a': d_(i-1), 'b': d_(i-1)}: 60 levels of 230 bytes that would flatten to 2^60 keys
        TorchSaveFiles.Pickler dag = new TorchSaveFiles.Pickler().proto2().op('}').op('q').op(0);
        for (int i = 1; i <= 60; i++) {
            dag.op('0').op('}').op('q').op(i).op('(').unicode("a").op('h').op(i - 1).unicode("b").op('h').op(i - 1).op('u');
        }
        assertMessage(new TorchSaveFiles().write(dir.resolve("dag.bin"), dag.op('.').bytes()), "stored under so many keys");

        // {{}: 1}: a dict as a key (unhashable in Python; hashing one that holds itself would never end)
        byte[] dictKey = new TorchSaveFiles.Pickler().proto2().op('}').op('}').integer(1).op('s').op('.').bytes();
        assertMessage(new TorchSaveFiles().write(dir.resolve("key.bin"), dictKey), "a dict key is a dict");
    }

    @Test
    void aStorageOfAnotherSizeThanItsPickleSaysIsRefused() throws Exception {
        // 4000 bytes in data/0 while the pickle declares 500 floats (2000 bytes): e.g. a zip bomb's entry.
        Path file = new TorchSaveFiles().storage("0", "FloatStorage", 8, new byte[4000]).tensor("w", "0", 0, 10)
                .write(dir.resolve("large.bin"));
        assertMessage(file, "storage data/0 is 4000 bytes but its pickle declares 2000");
        // 40 bytes where the pickle declares 1000 floats.
        Path shortFile = new TorchSaveFiles().storage("0", "FloatStorage", 4, new byte[40]).write(dir.resolve("short40.bin"),
                oneTensorPickle(1000, new long[] {1000}, new long[] {1}));
        assertMessage(shortFile, "storage data/0 has 40 bytes but its pickle declares 4000 (truncated file?)");
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
