package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder holding only pytorch_model.bin loads to the same model as its safetensors twin. */
class PytorchModelLoadingTest {
    @TempDir
    Path dir;

    /** Writes the state dict as torch.save would, one storage per tensor, plus HF's position_ids buffer. */
    static void writeBin(Map<String, Tensor> state, Path file, String reshape) throws Exception {
        TorchSaveFiles bin = new TorchSaveFiles();
        int key = 0;
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String k = String.valueOf(key++);
            bin.floats(k, e.getValue().toFloats());
            long[] shape = e.getValue().shape();
            if (e.getKey().equals(reshape)) {
                shape = new long[] {shape[0] * shape[1]}; // same bytes, wrong shape
            }
            bin.tensor(e.getKey(), k, 0, shape);
        }
        bin.longs("p", java.util.stream.LongStream.range(0, 16).toArray()).tensor("bert.embeddings.position_ids", "p", 0, 1, 16);
        bin.write(file);
    }

    @Test
    void loadsTheSameLogitsFromPytorchModelBin() throws Exception {
        BertConfig config = BertConfig.tiny();
        Path st = dir.resolve("st");
        Path pt = Files.createDirectories(dir.resolve("pt"));
        float[] expected;
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 3, Device.cpu())) {
            model.savePretrained(st);
            expected = logits(model);
            writeBin(model.stateDict(), pt.resolve(TorchCheckpoint.SINGLE_FILE), null);
        }
        Files.copy(st.resolve("config.json"), pt.resolve("config.json"));
        try (BertForSequenceClassification fromBin = BertForSequenceClassification.fromPretrained(pt, LoadOptions.builder().device(Device.cpu()).build())) {
            assertTrue(fromBin.loadReport().missingKeys().isEmpty(), fromBin.loadReport().missingKeys().toString());
            assertTrue(fromBin.loadReport().unexpectedKeys().isEmpty(), fromBin.loadReport().unexpectedKeys().toString());
            assertArrayEquals(expected, logits(fromBin), 0f);
        }
        StateDictReader.convertToSafetensors(pt);
        Files.delete(pt.resolve(TorchCheckpoint.SINGLE_FILE));
        try (BertForSequenceClassification converted = BertForSequenceClassification.fromPretrained(pt, LoadOptions.builder().device(Device.cpu()).build())) {
            assertArrayEquals(expected, logits(converted), 0f);
        }
    }

    @Test
    void aTensorOfTheWrongShapeIsOneLineNamingIt() throws Exception {
        Path st = dir.resolve("st");
        Path pt = Files.createDirectories(dir.resolve("bad"));
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny(), 3, Device.cpu())) {
            model.savePretrained(st);
            writeBin(model.stateDict(), pt.resolve(TorchCheckpoint.SINGLE_FILE), "bert.encoder.layer.0.attention.self.query.weight");
        }
        Files.copy(st.resolve("config.json"), pt.resolve("config.json"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> BertForSequenceClassification.fromPretrained(pt, LoadOptions.builder().device(Device.cpu()).build()));
        assertTrue(e.getMessage().contains("'bert.encoder.layer.0.attention.self.query.weight' has shape [1024]"), e.getMessage());
        assertTrue(e.getMessage().contains("[32, 32]"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        try (var files = Files.list(pt)) {
            assertEquals(2, files.count(), "nothing written");
        }
    }

    private static float[] logits(BertForSequenceClassification model) {
        try (Autograd noGrad = Autograd.noGrad(); Scope step = Scope.open()) {
            long[] ids = {2, 17, 30, 41, 3, 2, 99, 3, 0, 0};
            long[] types = {0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
            return model.logits(io.finetune4j.torch.Tensor.of(ids, 2, 5), io.finetune4j.torch.Tensor.of(types, 2, 5),
                    io.finetune4j.torch.Tensor.of(mask, 2, 5), false).toFloatArray();
        }
    }
}
