package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.pipeline.ServeModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving keeps no tensors: after many concurrent {@code POST /predict} requests on the real server
 * (loopback, real HTTP, a real tiny BERT on libtorch), the engine holds exactly the tensors it held before
 * them (the model's parameters, in the model's memory, and nothing in the memory of tensors made per batch).
 * A batch whose tensors outlived it (a tensor made outside the batch's scope, an op whose result lands in
 * the parameters' memory) would add tensors here on every request and grow the server's memory without bound.
 */
class ServeMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void predictLeavesNoArraysBehind() throws Exception {
        Path model = ServeModels.classifier(tmp, Map.of(0, "negative", 1, "positive"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder().model(model).device(Device.cpu()).build();
             ClassificationServer server = ClassificationServer.builder().port(0).classifier(pipeline).build()) {
            for (int i = 0; i < 4; i++) {
                assertEquals(200, post(client, server, body(i)).join().statusCode());
            }
            int before = Tensor.liveCount();
            // 16 in flight at a time, texts of several lengths, single texts, batches, pairs, errors: batches of many shapes.
            int answered = 0;
            for (int wave = 0; wave < 10; wave++) {
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    inFlight.add(post(client, server, body(wave * 16 + i)));
                }
                for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                    HttpResponse<String> r = f.join();
                    int expected = r.request().headers().firstValue("x-expect").map(Integer::parseInt).orElse(200);
                    assertEquals(expected, r.statusCode(), r.body());
                    answered++;
                }
            }
            assertEquals(160, answered);
            assertEquals(before, Tensor.liveCount(),
                    "the engine gained tensors over 160 requests: something per batch is not freed");
        }
    }

    /** Request {@code i}'s body: mostly single reviews of growing length, some batches, pairs and a too-long text. */
    private static String body(int i) {
        String text = "a fine film with a dull plot ".repeat(1 + i % 7).trim();
        return switch (i % 8) {
            case 3 -> "{\"inputs\": [[\"" + text + "\"], [\"short\"], [\"" + text + " and more\"]], \"truncate\": true}";
            case 5 -> "{\"inputs\": [[\"" + text + "\", \"the sequel\"]], \"truncate\": true}";
            case 7 -> "{\"inputs\": \"" + "word ".repeat(100) + "\", \"truncate\": false}"; // over 64 positions: 422
            default -> "{\"inputs\": \"" + text + "\", \"truncate\": true, \"raw_scores\": " + (i % 2 == 0) + "}";
        };
    }

    private static CompletableFuture<HttpResponse<String>> post(HttpClient client, ClassificationServer server, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve("/predict")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (body.contains("\"truncate\": false")) {
            request.header("x-expect", "422");
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
