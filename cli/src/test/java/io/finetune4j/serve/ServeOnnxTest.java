package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.onnx.OnnxExporter;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP server on an ONNX Runtime pipeline (real server on loopback, real session) answers as the DJL pipeline does. */
class ServeOnnxTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheExportedModel() throws Exception {
        BertConfig config = new BertConfig(30522, 32, 2, 2, 64, "gelu", 0.1, 0.1, 64, 2, 0.2, 1e-12, 0, "absolute",
                null, Map.of(0, "negative", 1, "positive"), null, null, null, Map.of());
        Path ck = tmp.resolve("ck");
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 9, Device.cpu())) {
            model.savePretrained(ck);
        }
        try (InputStream in = ServeOnnxTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(ck.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(ck, true, 512);
        Path exported = tmp.resolve("exported");
        OnnxExporter.export(ck, exported, OnnxExporter.Options.defaults());
        List<String> texts = List.of("I hate this movie", "i love this movie");
        List<List<LabelScore>> djl;
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(ck).build()) {
            djl = p.classify(texts);
        }
        try (TextClassificationPipeline onnx = TextClassificationPipeline.builder().model(exported).runtime("onnx").build();
             ClassificationServer server = ClassificationServer.builder().port(0).classifier(onnx).build()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("/v1/classify"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": [\"I hate this movie\", \"i love this movie\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = new ObjectMapper().readTree(r.body());
            JsonNode rows = body.isArray() ? body : body.get("results") != null ? body.get("results") : body.get("predictions");
            assertEquals(2, rows.size(), r.body());
            for (int i = 0; i < 2; i++) {
                JsonNode best = rows.get(i).isArray() ? rows.get(i).get(0) : rows.get(i);
                assertEquals(djl.get(i).get(0).label(), best.get("label").asText());
                assertEquals(djl.get(i).get(0).score(), best.get("score").asDouble(), 1e-4);
            }
        }
    }
}
