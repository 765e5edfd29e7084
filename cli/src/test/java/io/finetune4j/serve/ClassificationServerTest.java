package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClassificationServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<ClassificationServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(ClassificationServer::close);
    }

    private ClassificationServer start(KeywordClassifier classifier, ClassificationServer.Builder builder) {
        ClassificationServer server = builder.classifier(classifier).build();
        servers.add(server);
        return server;
    }

    private ClassificationServer start(KeywordClassifier classifier) {
        return start(classifier, ClassificationServer.builder().port(0));
    }

    private HttpRequest.Builder request(ClassificationServer server, String path) {
        return HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> post(ClassificationServer server, String body) throws Exception {
        return client.send(postRequest(server, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest postRequest(ClassificationServer server, String body) {
        return request(server, "/v1/classify").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> get(ClassificationServer server, String path) throws Exception {
        return client.send(request(server, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String textsBody(List<String> texts, Integer topK) throws IOException {
        return JSON.writeValueAsString(topK == null ? Map.of("texts", texts) : Map.of("texts", texts, "top_k", topK));
    }

    /** Asserts a 200 classify response holds exactly the keyword scorer's answer for each text. */
    private static void assertResults(HttpResponse<String> response, List<String> texts, int topK) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode results = JSON.readTree(response.body()).get("results");
        assertEquals(texts.size(), results.size(), response.body());
        for (int i = 0; i < texts.size(); i++) {
            List<LabelScore> expected = KeywordClassifier.score(texts.get(i), topK);
            JsonNode got = results.get(i);
            assertEquals(expected.size(), got.size(), "text " + i + ": " + response.body());
            for (int j = 0; j < expected.size(); j++) {
                assertEquals(expected.get(j).label(), got.get(j).get("label").asText());
                assertEquals(expected.get(j).score(), got.get(j).get("score").asDouble(), 1e-12);
            }
        }
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error").asText();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void classifiesTextsWithTheRequestedTopK() throws Exception {
        ClassificationServer server = start(new KeywordClassifier());
        List<String> texts = List.of("A great movie, I love it", "awful and boring", "it was a film");

        HttpResponse<String> top1 = post(server, textsBody(texts, null));
        assertResults(top1, texts, 1);
        JsonNode first = JSON.readTree(top1.body()).get("results").get(0).get(0);
        assertEquals("POSITIVE", first.get("label").asText());
        assertEquals("NEGATIVE", JSON.readTree(top1.body()).get("results").get(1).get(0).get("label").asText());

        assertResults(post(server, textsBody(texts, 2)), texts, 2);
        assertResults(post(server, "{\"texts\": [\"great\"], \"top_k\": null}"), List.of("great"), 0);
        assertResults(post(server, "{\"text\": \"so bad\"}"), List.of("so bad"), 1);
        assertResults(post(server, "{\"text\": \"so bad\", \"top_k\": 10}"), List.of("so bad"), 0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"texts\": [\"good\"                     | malformed JSON",
        "not json                                  | malformed JSON",
        "''                                        | empty",
        "[\"good\"]                                | JSON object",
        "{}                                        | 'texts'",
        "{\"texts\": \"good\"}                     | 'texts'",
        "{\"texts\": [\"good\", 3]}                | element 1",
        "{\"texts\": []}                           | 'texts'",
        "{\"texts\": null}                         | 'texts'",
        "{\"text\": 5}                             | 'text'",
        "{\"text\": \"a\", \"texts\": [\"b\"]}     | not both",
        "{\"texts\": [\"good\"], \"top_k\": \"2\"} | 'top_k'",
        "{\"texts\": [\"good\"], \"top_k\": 1.5}   | 'top_k'",
        "{\"texts\": [\"good\"], \"top_k\": 0}     | 'top_k'",
        "{\"texts\": [\"good\"], \"topk\": 2}      | did you mean 'top_k'",
    })
    void rejectsBadBodiesWith400NamingTheProblem(String body, String mentioned) throws Exception {
        ClassificationServer server = start(new KeywordClassifier());
        HttpResponse<String> response = post(server, body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(error(response).contains(mentioned), error(response));
        assertTrue(server.stats().requests() == 0);
    }

    @Test
    void rejectsBodiesOverTheLimitWith413WithOrWithoutContentLength() throws Exception {
        ClassificationServer server = start(new KeywordClassifier(), ClassificationServer.builder().port(0).maxBodyBytes(256));
        String big = textsBody(List.of("good ".repeat(400)), 1);

        HttpResponse<String> sized = post(server, big);
        assertEquals(413, sized.statusCode(), sized.body());
        assertTrue(error(sized).contains("max_body_bytes"));

        // A body from a stream has no Content-Length: the client sends it chunked, the server caps the read.
        HttpRequest chunked = request(server, "/v1/classify")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        HttpResponse<String> streamed = client.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, streamed.statusCode(), streamed.body());

        HttpRequest smallChunked = request(server, "/v1/classify").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream("{\"text\": \"good\"}".getBytes()))).build();
        assertResults(client.send(smallChunked, HttpResponse.BodyHandlers.ofString()), List.of("good"), 1);
    }

    @Test
    void answers429WithRetryAfterWhenTheQueueIsFull() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        ClassificationServer server = start(classifier,
                ClassificationServer.builder().port(0).maxBatchSize(2).maxWaitMillis(0).queueCapacity(4));
        List<String> running = List.of("good one", "bad one");
        List<String> queued = List.of("great", "awful", "love it", "hate it");

        CompletableFuture<HttpResponse<String>> a = client.sendAsync(postRequest(server, textsBody(running, 1)),
                HttpResponse.BodyHandlers.ofString());
        classifier.entered.await(); // the worker holds the first batch at the gate
        CompletableFuture<HttpResponse<String>> b = client.sendAsync(postRequest(server, textsBody(queued, 2)),
                HttpResponse.BodyHandlers.ofString());
        await("4 queued texts", () -> server.stats().queuedTexts() == 4);

        HttpResponse<String> rejected = post(server, textsBody(List.of("one more"), 1));
        assertEquals(429, rejected.statusCode(), rejected.body());
        assertEquals("1", rejected.headers().firstValue("Retry-After").orElse(null));
        assertTrue(error(rejected).contains("queue is full"), error(rejected));

        HttpResponse<String> neverFits = post(server, textsBody(List.of("a", "b", "c", "d", "e"), 1));
        assertEquals(413, neverFits.statusCode(), neverFits.body());
        assertTrue(error(neverFits).contains("queue_capacity"), error(neverFits));

        classifier.open();
        assertResults(a.get(), running, 1);
        assertResults(b.get(), queued, 2);
        assertEquals(1, server.stats().rejectedRequests());
        assertResults(post(server, textsBody(List.of("one more"), 1)), List.of("one more"), 1);
    }

    @Test
    void batchesConcurrentRequestsAndAnswersEachWithItsOwnTexts() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        ClassificationServer server = start(classifier,
                ClassificationServer.builder().port(0).maxBatchSize(16).maxWaitMillis(2).httpThreads(4));
        int clients = 24;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<List<String>> texts = new ArrayList<>();
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            int queuedTexts = 0;
            for (int c = 0; c < clients; c++) {
                List<String> mine = new ArrayList<>();
                for (int t = 0; t <= c % 3; t++) {
                    mine.add("client " + c + " text " + t + (c % 2 == 0 ? " great" : " awful") + (t == 1 ? " good" : ""));
                }
                texts.add(mine);
                queuedTexts += mine.size();
                String body = textsBody(mine, c % 4 == 3 ? null : 1 + c % 3);
                responses.add(pool.submit(() -> post(server, body)));
            }
            // The first batch waits at the gate while every other request queues behind it.
            classifier.entered.await();
            int firstBatch = classifier.batches.get(0).size();
            int expectedQueued = queuedTexts - firstBatch;
            await("all texts queued", () -> server.stats().queuedTexts() == expectedQueued);
            classifier.open();

            for (int c = 0; c < clients; c++) {
                assertResults(responses.get(c).get(), texts.get(c), c % 4 == 3 ? 1 : 1 + c % 3);
            }
            MicroBatcher.Stats stats = server.stats();
            assertEquals(clients, stats.requests());
            assertEquals(queuedTexts, stats.texts());
            assertEquals(queuedTexts, stats.batchedTexts());
            assertTrue(stats.meanBatchSize() > 1, "mean batch size " + stats.meanBatchSize());
            assertTrue(classifier.batches.stream().allMatch(b -> b.size() <= 16));
            assertEquals(stats.batches(), classifier.batches.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeFinishesInFlightRequestsThenRefusesConnections() throws Exception {
        KeywordClassifier classifier = new KeywordClassifier().closeGate();
        ClassificationServer server = start(classifier, ClassificationServer.builder().port(0).maxBatchSize(1).maxWaitMillis(0));
        List<String> first = List.of("great day");
        List<String> second = List.of("awful day", "good day");
        CompletableFuture<HttpResponse<String>> a = client.sendAsync(postRequest(server, textsBody(first, 1)),
                HttpResponse.BodyHandlers.ofString());
        classifier.entered.await();
        CompletableFuture<HttpResponse<String>> b = client.sendAsync(postRequest(server, textsBody(second, 3)),
                HttpResponse.BodyHandlers.ofString());
        await("second request queued", () -> server.stats().queuedTexts() == 2);

        Thread closer = new Thread(server::close);
        closer.start();
        classifier.open();
        closer.join();

        assertResults(a.get(), first, 1);
        assertResults(b.get(), second, 3);
        assertEquals(3, server.stats().batches());
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThrows(IOException.class, () -> fresh.send(request(server, "/healthz").GET().build(),
                HttpResponse.BodyHandlers.ofString()));
        server.close(); // idempotent
    }

    @Test
    void getEndpointsReportHealthModelAndStats() throws Exception {
        Map<String, Object> info = Map.of("labels", KeywordClassifier.LABELS, "max_length", 128,
                "num_parameters", 4_386_178, "source", "checkpoints/checkpoint-500");
        ClassificationServer server = start(new KeywordClassifier(), ClassificationServer.builder().port(0).modelInfo(info));

        HttpResponse<String> health = get(server, "/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", JSON.readTree(health.body()).get("status").asText());

        HttpResponse<String> model = get(server, "/v1/model");
        assertEquals(200, model.statusCode());
        assertEquals(info, JSON.readValue(model.body(), Map.class));

        post(server, textsBody(List.of("good", "bad"), 1));
        JsonNode stats = JSON.readTree(get(server, "/v1/stats").body());
        assertEquals(1, stats.get("requests").asInt());
        assertEquals(2, stats.get("texts").asInt());
        assertTrue(stats.get("batches").asInt() >= 1);
        assertEquals(1024, stats.get("queue_capacity").asInt());
    }

    @Test
    void modelInfoDefaultsToTheLabels() throws Exception {
        ClassificationServer server = start(new KeywordClassifier());
        JsonNode model = JSON.readTree(get(server, "/v1/model").body());
        assertEquals(List.of("NEGATIVE", "NEUTRAL", "POSITIVE"), JSON.convertValue(model.get("labels"), List.class));
    }

    @Test
    void unknownPathsAre404AndWrongMethods405() throws Exception {
        ClassificationServer server = start(new KeywordClassifier());
        HttpResponse<String> missing = get(server, "/v1/clasify");
        assertEquals(404, missing.statusCode());
        assertTrue(error(missing).contains("/v1/clasify"));

        HttpResponse<String> getClassify = get(server, "/v1/classify");
        assertEquals(405, getClassify.statusCode());
        assertEquals("POST", getClassify.headers().firstValue("Allow").orElse(null));

        HttpResponse<String> postHealth = client.send(request(server, "/healthz")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, postHealth.statusCode());
        assertEquals("GET", postHealth.headers().firstValue("Allow").orElse(null));
        assertFalse(error(postHealth).isBlank());
    }

    @Test
    void classifierFailureIs500WithItsMessageAndTheServerKeepsServing() throws Exception {
        ClassificationServer server = start(new KeywordClassifier().failOn("poison"));
        HttpResponse<String> failed = post(server, textsBody(List.of("poison"), 1));
        assertEquals(500, failed.statusCode());
        assertEquals("classification failed: cannot score 'poison'", error(failed));
        assertFalse(failed.body().contains("at io.finetune4j"), "no stack trace to the client");

        assertResults(post(server, textsBody(List.of("good"), 1)), List.of("good"), 1);
        assertEquals(1, server.stats().failedBatches());
    }

    @Test
    void bindsToLoopbackByDefaultAndReportsTheFreePort() {
        ClassificationServer server = start(new KeywordClassifier());
        assertTrue(server.address().getAddress().isLoopbackAddress());
        assertTrue(server.port() > 0);
        assertEquals(URI.create("http://127.0.0.1:" + server.port()), server.uri());
    }

    @Test
    void aPortInUseOrAnUnknownHostIsABadInputSayingWhatToDo() {
        ClassificationServer server = start(new KeywordClassifier());
        io.finetune4j.BadInputException taken = assertThrows(io.finetune4j.BadInputException.class,
                () -> start(new KeywordClassifier(), ClassificationServer.builder().port(server.port())));
        assertTrue(taken.getMessage().startsWith("cannot listen on 127.0.0.1:" + server.port()), taken.getMessage());
        assertTrue(taken.getMessage().contains("--port"), taken.getMessage());
        io.finetune4j.BadInputException unknown = assertThrows(io.finetune4j.BadInputException.class,
                () -> start(new KeywordClassifier(), ClassificationServer.builder().port(0).host("no-such-host.invalid")));
        assertTrue(unknown.getMessage().contains("no-such-host.invalid"), unknown.getMessage());
        assertEquals(200, assertDoesNotThrow(() -> get(server, "/healthz")).statusCode(), "the first server still serves");
    }
}
