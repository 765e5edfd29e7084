package io.finetune4j.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.SequenceClassifierOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parity with Python transformers on a fixture made by tests/fixtures/make_model_fixtures.py.
 * Skipped while the fixture folder is absent (it needs torch + transformers to create).
 */
class BertTransformersParityTest {
    static final Path FIXTURE = Path.of("tests/fixtures/bert_tiny");

    @Test
    void logitsAndLossMatchTransformers() throws Exception {
        assumeTrue(Files.isRegularFile(FIXTURE.resolve("fixture.json")),
                "no transformers fixture at " + FIXTURE + "; run tests/fixtures/make_model_fixtures.py where torch + transformers are installed");
        JsonNode f = new ObjectMapper().readTree(FIXTURE.resolve("fixture.json").toFile());
        try (BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(FIXTURE,
                LoadOptions.builder().device(Device.cpu()).build());
                NDManager step = model.manager().newSubManager()) {
            assertTrue(model.loadReport().missingKeys().isEmpty(), model.loadReport().missingKeys().toString());
            SequenceClassifierOutput out = model.forward(step.create(longs(f.get("input_ids"))),
                    step.create(longs(f.get("token_type_ids"))), step.create(longs(f.get("attention_mask"))),
                    step.create(longs1(f.get("labels"))), false);
            float[] logits = out.logits().toFloatArray();
            int k = 0;
            for (JsonNode row : f.get("logits")) {
                for (JsonNode v : row) {
                    assertEquals(v.asDouble(), logits[k++], 1e-4, "logit " + (k - 1));
                }
            }
            assertEquals(f.get("loss").asDouble(), out.loss().getFloat(), 1e-4);
        }
    }

    private static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = longs1(rows.get(i));
        }
        return out;
    }

    private static long[] longs1(JsonNode row) {
        long[] out = new long[row.size()];
        for (int j = 0; j < row.size(); j++) {
            out[j] = row.get(j).asLong();
        }
        return out;
    }
}
