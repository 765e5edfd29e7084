package io.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.SequenceClassifier;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parity with Python PEFT 0.21: tests/fixtures/tiny-lora is a LoRA adapter (r 4, alpha 8, query/value,
 * SEQ_CLS) on tests/fixtures/tiny-hf exactly as PeftModel.save_pretrained wrote it — including
 * {@code modules_to_save: ["classifier", "score"]} (no module is called score: PEFT ignores such names)
 * and {@code base_model_name_or_path: null}. tiny-lora-logits.json holds PEFT's logits for the same 8 texts
 * as tiny-hf-logits.json (tests/fixtures/README.md).
 */
class PeftParityTest {
    static final Path FIXTURES = Path.of("tests/fixtures");

    @Test
    void peftsOwnAdapterLoadsWithPeftsLogits() throws Exception {
        ObjectMapper json = new ObjectMapper();
        long[][] ids = longs(json.readTree(FIXTURES.resolve("tiny-hf-logits.json").toFile()).get("input_ids"));
        JsonNode expected = json.readTree(FIXTURES.resolve("tiny-lora-logits.json").toFile()).get("logits");
        JsonNode baseLogits = json.readTree(FIXTURES.resolve("tiny-hf-logits.json").toFile()).get("logits");
        try (LoraModel lora = LoraModel.load(FIXTURES.resolve("tiny-hf"), FIXTURES.resolve("tiny-lora"))) {
            float[] got = logits(lora, ids);
            assertClose(expected, got, 1e-5);
            assertNotEquals(baseLogits.get(0).get(0).asDouble(), got[0], 1e-3, "the adapter changes the logits");
            SequenceClassifier merged = lora.mergeAndUnload();
            assertClose(expected, logits(merged, ids), 1e-5);
        }
    }

    private static float[] logits(SequenceClassifier model, long[][] ids) {
        long[][] mask = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = new long[ids[i].length];
            for (int j = 0; j < ids[i].length; j++) {
                mask[i][j] = ids[i][j] == 0 ? 0 : 1;
            }
        }
        try (Scope step = Scope.open(); io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad()) {
            return model.logits(PeftTestData.tensor(ids), null, PeftTestData.tensor(mask), false).toFloatArray();
        }
    }

    private static void assertClose(JsonNode expected, float[] actual, double tol) {
        int k = 0;
        for (JsonNode row : expected) {
            for (JsonNode v : row) {
                assertEquals(v.asDouble(), actual[k], tol, "logit " + k);
                k++;
            }
        }
        assertEquals(k, actual.length);
    }

    private static long[][] longs(JsonNode rows) {
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
