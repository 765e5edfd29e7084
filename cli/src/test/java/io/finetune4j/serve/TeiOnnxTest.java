package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.torch.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.onnx.OnnxExporter;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.ScoreFunction;
import io.finetune4j.pipeline.ServeModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TEI's /predict and /info on the ONNX Runtime pipeline: the runtime is reported, raw scores and truncation match DJL. */
class TeiOnnxTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @Test
    void predictOnOnnxAnswersAsDjlAndInfoSaysOnnx() throws Exception {
        Path ck = ServeModels.classifier(tmp, Map.of(0, "negative", 1, "positive"));
        Path exported = tmp.resolve("exported");
        OnnxExporter.export(ck, exported, OnnxExporter.Options.defaults());
        String longText = "good ".repeat(50) + "bad ".repeat(50);
        ClassifyOptions raw = ClassifyOptions.defaults().withFunction(ScoreFunction.NONE).withTruncate(true);
        List<LabelScore> djl;
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(ck).device(Device.cpu()).build()) {
            djl = p.classify(List.of(longText.trim()), null, raw.withTruncationSide(io.finetune4j.tokenize.EncodeOptions.Side.LEFT))
                    .classifications().get(0).scores();
        }
        HttpClient client = HttpClient.newHttpClient();
        try (TextClassificationPipeline onnx = TextClassificationPipeline.builder().model(exported).runtime("onnx").build();
             ClassificationServer server = ClassificationServer.builder().port(0).classifier(onnx).build()) {
            JsonNode info = JSON.readTree(client.send(HttpRequest.newBuilder(server.uri().resolve("/info")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("onnx", info.get("runtime").asText());
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"" + longText.trim()
                            + "\", \"truncate\": true, \"truncation_direction\": \"Left\", \"raw_scores\": true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode got = JSON.readTree(r.body());
            assertEquals(djl.size(), got.size());
            for (int i = 0; i < djl.size(); i++) {
                assertEquals(djl.get(i).label(), got.get(i).get("label").asText());
                assertEquals(djl.get(i).score(), got.get(i).get("score").asDouble(), 1e-4);
            }
            assertEquals(ServeModels.MAX_POSITIONS, Long.parseLong(r.headers().firstValue("x-compute-tokens").orElseThrow()));
        }
    }
}
