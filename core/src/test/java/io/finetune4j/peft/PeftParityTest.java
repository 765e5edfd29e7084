package io.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.models.AutoModelForSequenceClassification;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.SequenceClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Parity with Python PEFT on a fixture made by tests/fixtures/make_peft_fixtures.py (needs torch, transformers
 * and peft to create); skipped while tests/fixtures/peft_tiny is absent. Also writes a finetune4j adapter of the
 * fixture's base to target/peft-from-java for the script's --check direction.
 */
class PeftParityTest {
    static final Path FIXTURE = Path.of("tests/fixtures/peft_tiny");

    @Test
    void peftAdapterLoadsWithTheSameLogitsKeysAndCounts() throws Exception {
        assumeTrue(Files.isRegularFile(FIXTURE.resolve("fixture.json")),
                "no PEFT fixture at " + FIXTURE + "; run tests/fixtures/make_peft_fixtures.py where torch + transformers + peft are installed");
        JsonNode f = new ObjectMapper().readTree(FIXTURE.resolve("fixture.json").toFile());
        long[][] ids = longs(f.get("input_ids"));
        long[][] mask = longs(f.get("attention_mask"));
        Path base = FIXTURE.resolve("base");
        Path adapter = FIXTURE.resolve("adapter");
        try (LoraModel lora = LoraModel.load(base, adapter)) {
            assertClose(f.get("logits"), logits(lora, ids, mask), 1e-4);
            assertEquals(strings(f.get("adapter_keys")), new ArrayList<>(new TreeSet<>(lora.stateDict().keySet())));
            SequenceClassificationModel merged = lora.mergeAndUnload();
            assertClose(f.get("merged_logits"), logits(merged, ids, mask), 1e-4);
        }
        try (LoraModel trainable = LoraModel.load(base, adapter, true)) {
            assertEquals(f.get("trainable_params").asLong(), trainable.numParameters(true));
            long classifier = trainable.baseModel().namedParameters().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("classifier.")).mapToLong(e -> e.getValue().getShape().size()).sum();
            assertEquals(f.get("all_params").asLong(), trainable.numParameters(false) + classifier,
                    "PEFT also counts its untrained copy of modules_to_save");
        }
        // finetune4j → PEFT: a fresh Java adapter with the fixture's configuration, saved for the script's --check
        Path out = Path.of("target/peft-from-java");
        try (LoraModel ours = LoraModel.wrap(AutoModelForSequenceClassification.fromPretrained(base, LoadOptions.defaults()),
                LoraConfig.load(adapter), 5)) {
            LoraModelTest.randomizeB(ours, 21);
            ours.savePretrained(out.resolve("adapter"));
            assertEquals(strings(f.get("adapter_keys")),
                    new ArrayList<>(new TreeSet<>(SafeTensors.read(out.resolve("adapter").resolve(LoraConfig.WEIGHTS_FILE)).keySet())));
            Map<String, Object> logits = new LinkedHashMap<>();
            logits.put("input_ids", ids);
            logits.put("attention_mask", mask);
            float[] flat = logits(ours, ids, mask);
            int k = ours.numLabels();
            List<float[]> rows = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                rows.add(java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k));
            }
            logits.put("logits", rows);
            new ObjectMapper().writeValue(out.resolve("logits.json").toFile(), logits);
        }
    }

    private static float[] logits(SequenceClassifier model, long[][] ids, long[][] mask) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray out = model.logits(step.create(ids), null, step.create(mask), false);
            return out.toFloatArray();
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

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
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
