package io.finetune4j.io.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfBertWeightsTest {
    @TempDir
    Path dir;

    private static TfBertWeights.Mapping map(String tf) {
        return TfBertWeights.map(tf).orElseThrow();
    }

    @Test
    void mapsGoogleNamesToHuggingFaceNames() {
        assertEquals(new TfBertWeights.Mapping("bert.embeddings.word_embeddings.weight", false), map("module/bert/embeddings/word_embeddings"));
        assertEquals(new TfBertWeights.Mapping("bert.embeddings.LayerNorm.weight", false), map("module/bert/embeddings/LayerNorm/gamma"));
        assertEquals(new TfBertWeights.Mapping("bert.embeddings.LayerNorm.bias", false), map("module/bert/embeddings/LayerNorm/beta"));
        assertEquals(new TfBertWeights.Mapping("bert.encoder.layer.11.attention.self.query.weight", true),
                map("module/bert/encoder/layer_11/attention/self/query/kernel"));
        assertEquals(new TfBertWeights.Mapping("bert.encoder.layer.0.attention.output.dense.bias", false),
                map("module/bert/encoder/layer_0/attention/output/dense/bias"));
        assertEquals(new TfBertWeights.Mapping("bert.encoder.layer.3.output.LayerNorm.weight", false),
                map("bert/encoder/layer_3/output/LayerNorm/gamma"));
        assertEquals(new TfBertWeights.Mapping("bert.pooler.dense.weight", true), map("module/bert/pooler/dense/kernel"));
        assertEquals(new TfBertWeights.Mapping("cls.predictions.transform.dense.weight", true), map("module/cls/predictions/transform/dense/kernel"));
        assertEquals(new TfBertWeights.Mapping("cls.predictions.transform.LayerNorm.bias", false), map("module/cls/predictions/transform/LayerNorm/beta"));
        assertEquals(new TfBertWeights.Mapping("cls.predictions.bias", false), map("module/cls/predictions/output_bias"));
        assertTrue(TfBertWeights.map("global_step").isEmpty());
        assertTrue(TfBertWeights.map("bert/pooler/dense/kernel/adam_m").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> TfBertWeights.map("module/other/thing"));
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        Tensor t = Tensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Tensor tt = TfBertWeights.transpose(t);
        assertArrayEquals(new long[] {3, 2}, tt.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, tt.toFloats());
    }

    @Test
    void convertsAWrittenBundleTransposingOnlyKernels() throws IOException {
        float[] kernel = {1, 2, 3, 4, 5, 6}; // [in=2, out=3]
        Path prefix = dir.resolve("variables");
        new TfBundleWriter().write(prefix, List.of(
                TfBundleWriter.Var.floats("module/bert/pooler/dense/kernel", new long[] {2, 3}, kernel),
                TfBundleWriter.Var.floats("module/bert/pooler/dense/bias", new long[] {3}, new float[] {7, 8, 9}),
                TfBundleWriter.Var.floats("module/bert/embeddings/word_embeddings", new long[] {2, 3}, kernel),
                TfBundleWriter.Var.floats("global_step", new long[] {}, new float[] {0})));
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            Map<String, Tensor> hf = TfBertWeights.toHuggingFace(ckpt);
            assertEquals(3, hf.size());
            assertArrayEquals(new long[] {3, 2}, hf.get("bert.pooler.dense.weight").shape());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, hf.get("bert.pooler.dense.weight").toFloats());
            assertArrayEquals(new float[] {7, 8, 9}, hf.get("bert.pooler.dense.bias").toFloats());
            assertArrayEquals(kernel, hf.get("bert.embeddings.word_embeddings.weight").toFloats());
        }
    }

    @Test
    void foreignVariablesAreABadInput() throws IOException {
        Path prefix = dir.resolve("variables");
        new TfBundleWriter().write(prefix, List.of(TfBundleWriter.Var.floats("resnet/conv1/kernel", new long[] {1}, new float[] {1})));
        try (TfCheckpoint ckpt = TfCheckpoint.open(prefix)) {
            BadInputException e = assertThrows(BadInputException.class, () -> TfBertWeights.toHuggingFace(ckpt));
            assertTrue(e.getMessage().contains("resnet/conv1/kernel"), e.getMessage());
        }
    }
}
