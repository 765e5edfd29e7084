package io.finetune4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outside runtime loads the export: transformers.js (npm @huggingface/transformers, offline) runs
 * pipeline('text-classification') on the exported folder and returns our labels and scores within
 * 1e-4 (float32) / 0.02 (int8, against our own int8 run). Skipped where npm or node is missing.
 */
class TransformersJsTest {
    static final Path SCRIPT = Path.of("scripts/transformers-js-check.sh");

    @TempDir
    Path tmp;

    @Test
    void transformersJsGivesTheSameLabelsAndScores() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm/node not on PATH: transformers.js check skipped");
        Path checkpoint = TinyExports.classifier(tmp, "ck", TinyExports.config(2, 2).withId2label(Map.of(0, "negative", 1, "positive")), 11);
        Path exported = tmp.resolve("exported-bert");
        OnnxExporter.export(checkpoint, exported, OnnxExporter.Options.defaults().withQuantization(Quantization.INT8));
        Path texts = tmp.resolve("texts.json");
        Files.writeString(texts, new ObjectMapper().writeValueAsString(OnnxExportTest.TEXTS));
        compare(exported, texts, false, 1e-4);
        compare(exported, texts, true, 0.02);
    }

    private void compare(Path exported, Path texts, boolean quantized, double tol) throws Exception {
        JsonNode js = run(exported, texts, quantized ? "q8" : "fp32");
        try (TextClassificationPipeline ours = TextClassificationPipeline.builder().model(exported).runtime("onnx").quantized(quantized).topK(0).build()) {
            List<List<LabelScore>> expected = ours.classify(OnnxExportTest.TEXTS, 0);
            assertEquals(expected.size(), js.size(), js.toString());
            for (int i = 0; i < expected.size(); i++) {
                Map<String, Double> theirs = new HashMap<>();
                js.get(i).forEach(s -> theirs.put(s.get("label").asText(), s.get("score").asDouble()));
                assertEquals(expected.get(i).get(0).label(), js.get(i).get(0).get("label").asText(), "best label of text " + i);
                for (LabelScore s : expected.get(i)) {
                    assertEquals(s.score(), theirs.get(s.label()), tol, "text " + i + " " + s.label() + (quantized ? " (int8)" : ""));
                }
            }
        }
    }

    private JsonNode run(Path exported, Path texts, String dtype) throws IOException, InterruptedException {
        Path log = tmp.resolve("transformers-js-" + dtype + ".log");
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), exported.toString(), texts.toString(), dtype)
                .redirectError(log.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor(10, TimeUnit.MINUTES), "transformers.js did not finish in 10 minutes");
        String err = Files.readString(log);
        if (p.exitValue() != 0 && (err.contains("ENOTFOUND") || err.contains("EAI_AGAIN") || err.contains("ECONNREFUSED"))) {
            assumeTrue(false, "npm registry not reachable: transformers.js check skipped (" + err.lines().findFirst().orElse("") + ")");
        }
        assertEquals(0, p.exitValue(), "transformers.js failed:\n" + err);
        return new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
