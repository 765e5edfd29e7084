package io.finetune4j.models.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMOutput;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertForMaskedLMTest {
    @TempDir
    Path tmp;

    @Test
    void decoderIsTiedToTheWordEmbeddings() {
        BertConfig c = BertConfig.tiny();
        try (BertForMaskedLM mlm = BertForMaskedLM.random(c, 1, Device.cpu())) {
            assertSame(mlm.bert().embeddings().wordEmbeddings().weight(), mlm.cls().predictions().decoder().weight());
            List<String> names = List.copyOf(mlm.namedParameters().keySet());
            assertFalse(names.contains(BertForMaskedLM.DECODER_WEIGHT));
            assertFalse(names.stream().anyMatch(n -> n.startsWith("bert.pooler")), "HF's MLM has no pooler");
            assertEquals(List.of("cls.predictions.bias", "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
                    "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias"), names.subList(names.size() - 5, names.size()));
            try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
                io.finetune4j.torch.Tensor ids = io.finetune4j.torch.Tensor.of(new long[] {101, 5, 103, 7, 102}, 1, 5);
                io.finetune4j.torch.Tensor labels = io.finetune4j.torch.Tensor.of(new long[] {-100, -100, 42, -100, -100}, 1, 5);
                MaskedLMOutput out = mlm.forward(ids, null, null, labels, false);
                assertArrayEquals(new long[] {1, 5, c.vocabSize()}, out.logits().shape());
                out.loss().backward();
            }
            // Through the tied decoder, the row of the target token (42) gets a gradient although 42 is not in the input.
            try (Scope step = Scope.open()) {
                io.finetune4j.torch.Tensor g = mlm.bert().embeddings().wordEmbeddings().weight().data().grad();
                assertTrue(g.select(0, 42).abs().sum().item() > 0);
            }
        }
    }

    @Test
    void savesWithoutTheTiedWeightAndAcceptsDecoderNames() throws Exception {
        BertConfig c = BertConfig.tiny();
        Path dir = tmp.resolve("mlm");
        long[][] input = {{101, 9, 103, 11, 102}};
        float[] expected;
        try (BertForMaskedLM mlm = BertForMaskedLM.random(c, 3, Device.cpu())) {
            // make the bias non-zero so the decoder.bias alias is visible in the logits
            Map<String, Tensor> sd = mlm.stateDict();
            float[] bias = new float[c.vocabSize()];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = i * 0.01f;
            }
            sd.put(BertForMaskedLM.BIAS, Tensor.ofFloats(new long[] {c.vocabSize()}, bias));
            mlm.loadWeights(sd);
            try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                expected = mlm.forward(FamilyTests.tensor(input), null, null, null, false).logits().toFloatArray();
            }
            mlm.savePretrained(dir);
        }
        Map<String, Tensor> saved = new LinkedHashMap<>(SafeTensors.readCheckpoint(dir));
        assertFalse(saved.containsKey(BertForMaskedLM.DECODER_WEIGHT));
        assertTrue(Files.readString(dir.resolve("config.json")).contains("BertForMaskedLM"));
        // An HF-style file that also stores the decoder weight and names the bias decoder.bias.
        saved.put(BertForMaskedLM.DECODER_WEIGHT, saved.get("bert.embeddings.word_embeddings.weight"));
        saved.put(BertForMaskedLM.DECODER_BIAS, saved.remove(BertForMaskedLM.BIAS));
        SafeTensors.write(dir.resolve("model.safetensors"), saved, Map.of("format", "pt"));
        try (BertForMaskedLM mlm = BertForMaskedLM.fromPretrained(dir, LoadOptions.builder().device(Device.cpu()).build());
                Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            assertTrue(mlm.loadReport().missingKeys().isEmpty(), mlm.loadReport().missingKeys().toString());
            assertTrue(mlm.loadReport().unexpectedKeys().isEmpty(), mlm.loadReport().unexpectedKeys().toString());
            assertArrayEquals(expected, mlm.forward(FamilyTests.tensor(input), null, null, null, false).logits().toFloatArray(), 0f);
        }
    }
}
