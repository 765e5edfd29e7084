package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.finetune4j.torch.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.ServeModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Hugging Face JS client ({@code @huggingface/inference}, from npm) against the real
 * server: scripts/check-hf-inference-client.sh installs it and calls textClassification. Skipped
 * where node or npm is missing.
 */
class HfInferenceClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static TextClassificationPipeline pipeline;

    @BeforeAll
    static void load() throws Exception {
        pipeline = TextClassificationPipeline.builder().model(ServeModels.classifier(tmp, Map.of(0, "negative", 1, "positive")))
                .device(Device.cpu()).build();
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static JsonNode runClient(String url, String text, String key) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/check-hf-inference-client.sh", url, "negative,positive", text, key)
                .redirectErrorStream(false);
        Path err = tmp.resolve("client.err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the JS client did not finish in 300 s");
        }
        assertEquals(0, p.exitValue(), "client failed: " + out + Files.readString(err));
        return JSON.readTree(out.strip());
    }

    @Test
    void theOfficialJsClientGetsTheModelsLabelsAndScores() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node or npm is not on PATH: the @huggingface/inference check is skipped");
        String text = "I love this movie";
        List<LabelScore> expected = pipeline.classify(List.of(text), null, ClassifyOptions.defaults()).classifications().get(0).scores();
        try (ClassificationServer server = ClassificationServer.builder().port(0).classifier(pipeline).build()) {
            assertAnswer(expected, runClient(server.uri().toString(), text, ""));
        }
        try (ClassificationServer keyed = ClassificationServer.builder().port(0).classifier(pipeline).apiKey("hf_test_key").build()) {
            assertAnswer(expected, runClient(keyed.uri().toString(), text, "hf_test_key"));
        }
    }

    private static void assertAnswer(List<LabelScore> expected, JsonNode got) {
        assertEquals(expected.size(), got.size(), got.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).label(), got.get(i).get("label").asText());
            assertEquals(expected.get(i).score(), got.get(i).get("score").asDouble(), 1e-6);
        }
    }
}
