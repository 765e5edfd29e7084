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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDictReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryFormatInHfOrder() throws Exception {
        new TorchSaveFiles().floats("0", 1, 2, 3).tensor("w", "0", 0, 3).write(dir.resolve(TorchCheckpoint.SINGLE_FILE));
        assertEquals(StateDictReader.Format.PYTORCH, StateDictReader.format(dir));
        assertArrayEquals(new float[] {1, 2, 3}, StateDictReader.read(dir).get("w").toFloats());
        SafeTensors.write(dir.resolve(SafeTensors.SINGLE_FILE), Map.of("w", Tensor.ofFloats(new long[] {1}, new float[] {9})), Map.of());
        assertEquals(StateDictReader.Format.SAFETENSORS, StateDictReader.format(dir), "safetensors wins, as in from_pretrained");
        assertArrayEquals(new float[] {9}, SafeTensors.readCheckpoint(dir).get("w").toFloats());
    }

    @Test
    void readsShardedPytorchCheckpoints() throws Exception {
        new TorchSaveFiles().floats("0", 1, 2).tensor("a", "0", 0, 2).write(dir.resolve("pytorch_model-00001-of-00002.bin"));
        new TorchSaveFiles().halves("0", (short) 0x3c00).tensor("b", "0", 0, 1).write(dir.resolve("pytorch_model-00002-of-00002.bin"));
        Files.writeString(dir.resolve(TorchCheckpoint.INDEX_FILE), "{\"metadata\":{\"total_size\":10},\"weight_map\":"
                + "{\"a\":\"pytorch_model-00001-of-00002.bin\",\"b\":\"pytorch_model-00002-of-00002.bin\"}}");
        Map<String, Tensor> all = StateDictReader.read(dir);
        assertEquals(2, all.size());
        assertArrayEquals(new float[] {1}, all.get("b").toFloats());
        assertEquals(2, StateDictReader.files(dir).size());
    }

    @Test
    void convertWritesSafetensorsTheLoaderReadsBack() throws Exception {
        new TorchSaveFiles().floats("0", 1, 2, 3, 4, 5, 6).tensor("w", "0", 0, 2, 3).tensor("tied", "0", 0, 2, 3)
                .halves("1", (short) 0xc000).tensor("h", "1", 0, 1).write(dir.resolve(TorchCheckpoint.SINGLE_FILE));
        StateDictReader.Conversion c = StateDictReader.convertToSafetensors(dir);
        assertTrue(c.written());
        assertEquals(3, c.tensors());
        SafeTensors.Contents back = SafeTensors.readWithMetadata(dir.resolve(SafeTensors.SINGLE_FILE));
        assertEquals("pt", back.metadata().get("format"));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.tensors().get("tied").toFloats());
        assertEquals(Tensor.DType.F32, back.tensors().get("h").dtype());
        assertArrayEquals(new float[] {-2}, back.tensors().get("h").toFloats());
        assertFalse(StateDictReader.convertToSafetensors(dir).written(), "a folder with safetensors is left as it is");
    }

    @Test
    void badCheckpointsAreOneLineAndConvertWritesNothing() throws Exception {
        // An index naming a missing shard.
        new TorchSaveFiles().floats("0", 1).tensor("a", "0", 0, 1).write(dir.resolve("pytorch_model-00001-of-00002.bin"));
        Files.writeString(dir.resolve(TorchCheckpoint.INDEX_FILE), "{\"weight_map\":"
                + "{\"a\":\"pytorch_model-00001-of-00002.bin\",\"b\":\"pytorch_model-00002-of-00002.bin\"}}");
        assertOneLine(() -> StateDictReader.convertToSafetensors(dir), "names shard pytorch_model-00002-of-00002.bin");
        assertFalse(Files.exists(dir.resolve(SafeTensors.SINGLE_FILE)));

        // A truncated shard.
        byte[] shard2 = Files.readAllBytes(new TorchSaveFiles().floats("0", 1, 2, 3, 4).tensor("b", "0", 0, 4)
                .write(dir.resolve("pytorch_model-00002-of-00002.bin")));
        Files.write(dir.resolve("pytorch_model-00002-of-00002.bin"), Arrays.copyOf(shard2, shard2.length - 30));
        assertOneLine(() -> StateDictReader.convertToSafetensors(dir), "pytorch_model-00002-of-00002.bin");
        assertFalse(Files.exists(dir.resolve(SafeTensors.SINGLE_FILE)));

        // Two shards with the same tensor in different shapes.
        new TorchSaveFiles().floats("0", 1, 2).tensor("a", "0", 0, 2).write(dir.resolve("pytorch_model-00002-of-00002.bin"));
        assertOneLine(() -> StateDictReader.read(dir), "tensor 'a' has shape [1]");

        // An index pointing outside the folder, and a safetensors index naming a missing shard.
        Path other = Files.createDirectory(dir.resolve("st"));
        Files.writeString(other.resolve(SafeTensors.INDEX_FILE), "{\"weight_map\":{\"a\":\"../pytorch_model-00001-of-00002.bin\"}}");
        assertOneLine(() -> StateDictReader.read(other), "not a file name in");
        Files.writeString(other.resolve(SafeTensors.INDEX_FILE), "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\"}}");
        assertOneLine(() -> StateDictReader.read(other), "names shard model-00001-of-00002.safetensors");

        Path none = Files.createDirectory(dir.resolve("none"));
        assertOneLine(() -> StateDictReader.read(none), "no model.safetensors");
    }

    private static void assertOneLine(org.junit.jupiter.api.function.Executable run, String part) {
        BadInputException e = assertThrows(BadInputException.class, run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
