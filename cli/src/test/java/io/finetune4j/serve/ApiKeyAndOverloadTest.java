package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The API key, 429 when the queue is full and 503 while draining, on the real server with the keyword classifier. */
class ApiKeyAndOverloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "s3cret-key-of-some-length";
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<ClassificationServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(ClassificationServer::close);
    }

    private ClassificationServer start(ClassificationServer.Builder builder) {
        ClassificationServer server = builder.build();
        servers.add(server);
        return server;
    }

    private HttpRequest.Builder request(ClassificationServer server, String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    private static void assertError(HttpResponse<String> r, int status, String type) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(type, body.get("error_type").asText(), r.body());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void everyRouteButHealthNeedsTheBearerKey() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0).classifier(new KeywordClassifier()).apiKey(KEY));
        List<String> gets = List.of("/info", "/metrics", "/v1/model", "/v1/stats", "/openapi.json", "/no-such-route");
        List<String> posts = List.of("/predict", "/", "/invocations", "/v1/classify");
        for (String auth : new String[] {null, "Bearer wrong", "Bearer " + KEY + "x", KEY, "Basic " + KEY, "Bearer "}) {
            for (String path : gets) {
                HttpResponse<String> r = send(request(server, path, auth).GET().build());
                assertError(r, 401, "unauthorized");
                assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(null));
            }
            for (String path : posts) {
                assertError(send(request(server, path, auth).POST(json("{\"inputs\": \"good\"}")).build()), 401, "unauthorized");
            }
        }
        for (String path : List.of("/health", "/healthz", "/ping")) {
            assertEquals(200, send(request(server, path, null).GET().build()).statusCode(), path);
        }
        String bearer = "Bearer " + KEY;
        assertEquals(200, send(request(server, "/info", bearer).GET().build()).statusCode());
        assertEquals(200, send(request(server, "/metrics", "bearer " + KEY).GET().build()).statusCode(), "the scheme is case-insensitive");
        HttpResponse<String> predicted = send(request(server, "/predict", bearer).POST(json("{\"inputs\": \"great\"}")).build());
        assertEquals(200, predicted.statusCode(), predicted.body());
        assertEquals("POSITIVE", JSON.readTree(predicted.body()).get(0).get("label").asText());
        assertEquals(200, send(request(server, "/v1/classify", bearer).POST(json("{\"text\": \"bad\"}")).build()).statusCode());
        assertEquals(404, send(request(server, "/nothing", bearer).GET().build()).statusCode());
        assertTrue(JSON.readTree(send(request(server, "/info", bearer).GET().build()).body()).get("api_key_required").asBoolean());
    }

    @Test
    void aFullQueueIs429WithRetryAfterOnEveryClassifyRoute() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        ClassificationServer server = start(ClassificationServer.builder().port(0).classifier(classifier)
                .maxBatchSize(1).maxWaitMillis(0).queueCapacity(2));
        CompletableFuture<HttpResponse<String>> running = client.sendAsync(
                request(server, "/predict", null).POST(json("{\"inputs\": \"good\"}")).build(), HttpResponse.BodyHandlers.ofString());
        classifier.entered.await();
        CompletableFuture<HttpResponse<String>> queued = client.sendAsync(
                request(server, "/predict", null).POST(json("{\"inputs\": [[\"bad\"], [\"great\"]]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        await("2 queued texts", () -> server.stats().queuedTexts() == 2);
        for (String path : List.of("/predict", "/", "/v1/classify")) {
            String body = path.equals("/v1/classify") ? "{\"text\": \"more\"}" : "{\"inputs\": \"more\"}";
            HttpResponse<String> r = send(request(server, path, null).POST(json(body)).build());
            assertError(r, 429, "overloaded");
            assertEquals("1", r.headers().firstValue("Retry-After").orElse(null), path);
        }
        classifier.open();
        assertEquals(200, running.get().statusCode());
        JsonNode batch = JSON.readTree(queued.get().body());
        assertEquals(List.of(KeywordClassifier.score("bad", 0).get(0).label(), KeywordClassifier.score("great", 0).get(0).label()),
                List.of(batch.get(0).get(0).get("label").asText(), batch.get(1).get(0).get("label").asText()));
        String metrics = send(request(server, "/metrics", null).GET().build()).body();
        assertTrue(metrics.contains("finetune4j_requests_total{route=\"/predict\",status=\"429\"} 1.0"), metrics);
    }

    @Test
    void whileDrainingNewRequestsAndHealthGet503() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        ClassificationServer server = start(ClassificationServer.builder().port(0).classifier(classifier).maxBatchSize(1).maxWaitMillis(0));
        CompletableFuture<HttpResponse<String>> accepted = client.sendAsync(
                request(server, "/predict", null).POST(json("{\"inputs\": \"good\"}")).build(), HttpResponse.BodyHandlers.ofString());
        classifier.entered.await();
        Thread closer = new Thread(server::close);
        closer.start();
        await("draining", () -> {
            try {
                return send(request(server, "/healthz", null).GET().build()).statusCode() == 503;
            } catch (Exception e) {
                return false;
            }
        });
        assertError(send(request(server, "/health", null).GET().build()), 503, "unhealthy");
        assertError(send(request(server, "/ping", null).GET().build()), 503, "unhealthy");
        assertError(send(request(server, "/predict", null).POST(json("{\"inputs\": \"late\"}")).build()), 503, "unhealthy");
        classifier.open();
        closer.join();
        assertEquals(200, accepted.get().statusCode(), "accepted work finishes");
    }

    @Test
    void aFailingModelIs424OnTeiRoutesAnd503FromHealth() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0).classifier(new KeywordClassifier().failOn("health check")));
        assertError(send(request(server, "/health", null).GET().build()), 503, "unhealthy");
        HttpResponse<String> failed = send(request(server, "/predict", null).POST(json("{\"inputs\": \"health check\"}")).build());
        assertError(failed, 424, "backend");
        assertTrue(failed.body().contains("cannot score"), failed.body());
        assertEquals(200, send(request(server, "/predict", null).POST(json("{\"inputs\": \"fine\"}")).build()).statusCode());
        assertEquals(200, send(request(server, "/health", null).GET().build()).statusCode(), "a recent answer counts");
    }

    @Test
    void rawScoresFromAClassifierWithoutLogitsIs422() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0).classifier(new KeywordClassifier()));
        assertError(send(request(server, "/predict", null).POST(json("{\"inputs\": \"good\", \"raw_scores\": true}")).build()),
                422, "validation");
        assertError(send(request(server, "/predict", null).POST(json("{\"inputs\": [\"good\", \"pair\"]}")).build()),
                422, "validation");
    }

    @Test
    void whileTheModelLoadsHealthAndModelRoutesAre503ThenItServes() throws Exception {
        CompletableFuture<io.finetune4j.pipeline.TextClassifier> loading = new CompletableFuture<>();
        ClassificationServer server = start(ClassificationServer.builder().port(0).loading(loading));
        assertTrue(!server.isReady());
        HttpResponse<String> health = send(request(server, "/health", null).GET().build());
        assertError(health, 503, "unhealthy");
        assertTrue(health.body().contains("loading"), health.body());
        assertEquals(503, send(request(server, "/healthz", null).GET().build()).statusCode());
        assertError(send(request(server, "/predict", null).POST(json("{\"inputs\": \"good\"}")).build()), 503, "unhealthy");
        assertError(send(request(server, "/info", null).GET().build()), 503, "unhealthy");
        assertEquals(200, send(request(server, "/metrics", null).GET().build()).statusCode());

        loading.complete(new KeywordClassifier());
        await("ready", server::isReady);
        assertEquals(200, send(request(server, "/health", null).GET().build()).statusCode());
        assertEquals(200, send(request(server, "/predict", null).POST(json("{\"inputs\": \"good\"}")).build()).statusCode());
        assertEquals("NEGATIVE", JSON.readTree(send(request(server, "/info", null).GET().build()).body())
                .get("model_type").get("classifier").get("id2label").get("0").asText());
    }

    @Test
    void aModelThatFailedToLoadIs503WithTheReason() throws Exception {
        CompletableFuture<io.finetune4j.pipeline.TextClassifier> loading = new CompletableFuture<>();
        ClassificationServer server = start(ClassificationServer.builder().port(0).loading(loading));
        loading.completeExceptionally(new IllegalStateException("no model.safetensors in /models/x"));
        HttpResponse<String> health = send(request(server, "/health", null).GET().build());
        assertError(health, 503, "unhealthy");
        assertTrue(health.body().contains("failed to load: no model.safetensors"), health.body());
    }
}
