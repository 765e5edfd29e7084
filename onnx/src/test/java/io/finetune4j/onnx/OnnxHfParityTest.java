package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.RuntimeOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported graph computes what Hugging Face's own BertForSequenceClassification computes: HF's
 * logits for 8 texts (tests/fixtures/tiny-hf-logits.json, made by transformers 5.17) within 1e-4
 * on ONNX Runtime, float32.
 */
class OnnxHfParityTest {
    @TempDir
    Path tmp;

    @Test
    void exportedTinyHfModelGivesHfLogits() throws Exception {
        Path out = tmp.resolve("tiny-hf-onnx");
        OnnxExporter.export(Path.of("tests/fixtures/tiny-hf"), out, OnnxExporter.Options.defaults());
        JsonNode fixture = new ObjectMapper().readTree(Path.of("tests/fixtures/tiny-hf-logits.json").toFile());
        try (OnnxRuntimeModel m = OnnxRuntimeModel.open(out, RuntimeOptions.defaults())) {
            for (int r = 0; r < fixture.get("input_ids").size(); r++) {
                JsonNode row = fixture.get("input_ids").get(r);
                int n = row.size();
                long[] ids = new long[n];
                long[] mask = new long[n];
                for (int t = 0; t < n; t++) {
                    ids[t] = row.get(t).asLong();
                    mask[t] = ids[t] == 0 ? 0 : 1;
                }
                float[] logits = m.logits(ids, mask, new long[n], 1, n);
                for (int j = 0; j < logits.length; j++) {
                    assertEquals(fixture.get("logits").get(r).get(j).asDouble(), logits[j], 1e-4, "text " + r + " logit " + j);
                }
            }
        }
    }
}
