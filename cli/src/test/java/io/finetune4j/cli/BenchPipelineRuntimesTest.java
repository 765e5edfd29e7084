package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bench pipeline --runtime torch,onnx,onnx-int8: one result per runtime on the same texts, ratios to torch (no timing asserts). */
class BenchPipelineRuntimesTest {
    @Test
    void comparesRuntimesOnTheSameTexts() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        MainTest.Result r = MainTest.run("bench", "pipeline", "--model", TrainCommandTest.model.toString(), "--dataset", TrainCommandTest.data.toString(),
                "--runtime", "torch,onnx,onnx-int8", "--num_hidden_layers", "1", "--texts", "24", "--batch_size", "8", "--max_length", "32",
                "--warmup", "0", "--repeat", "1", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(3, lines.size(), r.out());
        ObjectMapper json = new ObjectMapper();
        List<String> runtimes = List.of("torch", "onnx", "onnx-int8");
        for (int i = 0; i < 3; i++) {
            JsonNode p = json.readTree(lines.get(i));
            assertEquals(runtimes.get(i), p.get("params").get("runtime").asText());
            assertEquals(24, p.get("params").get("texts").asInt());
            assertTrue(p.get("metrics").get("reviews_per_s").asDouble() > 0);
            assertEquals(i > 0, p.get("metrics").has("ratio_to_torch"), p.toString());
        }
        MainTest.Result bad = MainTest.run("bench", "pipeline", "--model", TrainCommandTest.model.toString(), "--runtime", "tvm");
        assertEquals(2, bad.code(), bad.err());
    }

    /**
     * --profile: tokenizing vs the model for each runtime, and ONNX Runtime's own profiler says where its model time goes
     * (libtorch's profiler is not mapped by JavaCPP's presets, so the libtorch runtime has the shares only).
     */
    @Test
    void profileSaysWhereTheTimeGoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        MainTest.Result r = MainTest.run("bench", "pipeline", "--model", TrainCommandTest.model.toString(), "--dataset", TrainCommandTest.data.toString(),
                "--runtime", "torch,onnx-int8", "--num_hidden_layers", "1", "--texts", "16", "--batch_size", "8", "--max_length", "32",
                "--warmup", "0", "--repeat", "1", "--profile", tmp.resolve("profiles").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (String line : lines) {
            JsonNode m = json.readTree(line).get("metrics");
            double tok = m.get("tokenize_pct").asDouble();
            double model = m.get("model_pct").asDouble();
            assertTrue(tok > 0 && model > 0 && tok + model <= 100.5, m.toString());
            boolean int8 = json.readTree(line).get("params").get("runtime").asText().equals("onnx-int8");
            if (!int8) {
                assertFalse(m.has("profile_trace"), m.toString());
                continue;
            }
            assertTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of(m.get("profile_trace").asText())), m.toString());
            JsonNode ops = m.get("model_time_by_op_pct");
            assertTrue(ops.size() >= 2, m.toString());
            double sum = 0;
            for (JsonNode v : ops) {
                sum += v.asDouble();
            }
            assertEquals(100, sum, 1.0, "shares of all op time: " + ops);
            String top = ops.fieldNames().next();
            // the profiler names real ops: ONNX op types, not libtorch's aten::*
            assertFalse(top.startsWith("aten::"), ops.toString());
        }
    }
}
