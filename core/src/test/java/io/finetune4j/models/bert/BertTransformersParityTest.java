package io.finetune4j.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.FamilyTests;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parity with Python transformers 5.17: tests/fixtures/tiny-hf is a random 2-layer, 64-wide
 * BertForSequenceClassification saved by HF's save_pretrained; tiny-hf-logits.json holds HF's eval-mode
 * logits for 8 texts (padded to the longest, pad id 0, token type 0) — see tests/fixtures/README.md.
 */
class BertTransformersParityTest {
    static final Path FIXTURES = Path.of("tests/fixtures");

    @Test
    void logitsMatchTransformers() throws Exception {
        JsonNode f = new ObjectMapper().readTree(FIXTURES.resolve("tiny-hf-logits.json").toFile());
        long[][] ids = longs(f.get("input_ids"));
        long[][] mask = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = new long[ids[i].length];
            for (int j = 0; j < ids[i].length; j++) {
                mask[i][j] = ids[i][j] == 0 ? 0 : 1; // HF's attention mask: 0 on [PAD] (id 0)
            }
        }
        try (BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(FIXTURES.resolve("tiny-hf"),
                LoadOptions.builder().device(Device.cpu()).build());
                Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            assertTrue(model.loadReport().missingKeys().isEmpty(), model.loadReport().missingKeys().toString());
            assertEquals("neg", model.id2label().get(0));
            float[] logits = model.logits(FamilyTests.tensor(ids), Tensor.zeros(DType.INT64, ids.length, ids[0].length),
                    FamilyTests.tensor(mask), false).toFloatArray();
            int k = 0;
            for (JsonNode row : f.get("logits")) {
                for (JsonNode v : row) {
                    assertEquals(v.asDouble(), logits[k], 1e-5, "logit " + k);
                    k++;
                }
            }
            assertEquals(k, logits.length);
        }
    }

    static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = new long[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows.get(i).get(j).asLong();
            }
        }
        return out;
    }
}
