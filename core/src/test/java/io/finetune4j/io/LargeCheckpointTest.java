package io.finetune4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid model.safetensors over 2 GiB loads and predicts: a tiny BERT's tensors with 2.5 GiB of unused tensors
 * between them (holes on disk), so half of the model's weights lie past 2 GiB. The unused tensors are reported as
 * unexpected keys, as HF reports them.
 */
class LargeCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointOf2Point5GiBLoadsAndPredicts() throws Exception {
        Path model = dir.resolve("model");
        float[] expected;
        try (BertForSequenceClassification m = BertForSequenceClassification.random(BertConfig.tiny(), 3, Device.cpu())) {
            m.savePretrained(model);
            expected = logits(m);
        }
        Path file = model.resolve(SafeTensors.SINGLE_FILE);
        Map<String, Tensor> small = SafeTensors.read(file);
        List<String> names = new ArrayList<>(small.keySet());
        SparseSafeTensors big = new SparseSafeTensors();
        for (String name : names.subList(0, names.size() / 2)) {
            big.tensor(name, copy(small.get(name)));
        }
        long gib = 1L << 30;
        big.hole("zz.unused.0", Tensor.DType.F32, 5 * gib / 16).hole("zz.unused.1", Tensor.DType.F32, 5 * gib / 16); // 1.25 GiB each
        for (String name : names.subList(names.size() / 2, names.size())) {
            big.tensor(name, copy(small.get(name)));
        }
        Path tmp = big.write(dir.resolve("big.safetensors"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(file) > 5 * gib / 2, "size " + Files.size(file));
        assertTrue(SparseSafeTensors.diskKilobytes(file) < 16 * 1024, "the file is sparse on disk");

        try (BertForSequenceClassification loaded = BertForSequenceClassification.fromPretrained(model,
                LoadOptions.builder().device(Device.cpu()).build())) {
            assertEquals(List.of("zz.unused.0", "zz.unused.1"), loaded.loadReport().unexpectedKeys());
            assertTrue(loaded.loadReport().missingKeys().isEmpty(), loaded.loadReport().missingKeys().toString());
            assertArrayEquals(expected, logits(loaded), 0f);
        }
    }

    /** The values on the heap (the source file is replaced while its mapping would still be open). */
    private static Tensor copy(Tensor t) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(t.data().remaining());
        b.put(t.data().duplicate()).flip();
        return new Tensor(t.dtype(), t.shape(), b);
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
