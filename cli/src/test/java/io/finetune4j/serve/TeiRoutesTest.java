package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.ScoreFunction;
import io.finetune4j.pipeline.ServeModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.pipeline.TextPair;
import io.finetune4j.tokenize.EncodeOptions.Side;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TEI and HF Inference API routes on a real server (loopback, real HTTP) in front of real tiny
 * BERT pipelines: every answer is checked against the pipeline called directly.
 */
class TeiRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<Integer, String> LABELS = Map.of(0, "negative", 1, "neutral", 2, "positive");
    /** Single-token words in bert-base-uncased's vocabulary. */
    private static final List<String> HEAD = List.of("good", "great", "love", "film", "actor", "music", "story", "happy");
    private static final List<String> TAIL = List.of("bad", "awful", "hate", "plot", "boring", "sad", "dull", "worst");

    @TempDir
    static Path tmp;
    static TextClassificationPipeline pipeline;
    static TextClassificationPipeline multiLabel;
    static ClassificationServer server;
    static ClassificationServer multiLabelServer;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        pipeline = TextClassificationPipeline.builder().model(ServeModels.classifier(tmp, LABELS)).device(Device.cpu()).build();
        multiLabel = TextClassificationPipeline.builder().model(ServeModels.multiLabel(tmp, 2)).device(Device.cpu()).build();
        server = ClassificationServer.builder().port(0).classifier(pipeline).modelId("tiny-bert").maxClientBatchSize(4).build();
        multiLabelServer = ClassificationServer.builder().port(0).classifier(multiLabel).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        multiLabelServer.close();
        pipeline.close();
        multiLabel.close();
    }

    /** {@code n} words: the first half from HEAD, the rest from TAIL; one token each. */
    static String words(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i < n / 2 ? HEAD.get(i % HEAD.size()) : TAIL.get(i % TAIL.size()));
        }
        return String.join(" ", out);
    }

    HttpResponse<String> post(ClassificationServer s, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(s.uri().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(ClassificationServer s, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(s.uri().resolve(path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The pipeline's own answer for one text with these options, all labels. */
    static List<LabelScore> direct(TextClassificationPipeline p, String text, ClassifyOptions options) {
        return p.classify(List.of(text), null, options).classifications().get(0).scores();
    }

    static void assertScores(List<LabelScore> expected, JsonNode got) {
        assertEquals(expected.size(), got.size(), got.toString());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).label(), got.get(i).get("label").asText(), got.toString());
            assertEquals(expected.get(i).score(), got.get(i).get("score").asDouble(), 1e-6, got.toString());
        }
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i - 1).get("score").asDouble() >= got.get(i).get("score").asDouble(), "sorted: " + got);
        }
    }

    static String error(HttpResponse<String> r, int status, String type) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode b = body(r);
        assertEquals(type, b.get("error_type").asText(), r.body());
        assertFalse(b.get("error").asText().isBlank());
        return b.get("error").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/predict", "/invocations", "/"})
    void oneTextIsAnsweredWithItsSortedScoresAndTimingHeaders(String path) throws Exception {
        String text = "i love this movie";
        // "/" with a TEI key is TEI's form
        HttpResponse<String> r = post(server, path, "{\"inputs\": \"" + text + "\", \"raw_scores\": false}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode got = body(r);
        assertTrue(got.isArray() && got.get(0).isObject(), "one input, no outer list: " + got);
        assertScores(direct(pipeline, text, ClassifyOptions.defaults()), got);
        double sum = 0;
        for (JsonNode s : got) {
            sum += s.get("score").asDouble();
        }
        assertEquals(1.0, sum, 1e-6, "softmax");

        for (String h : List.of("x-compute-time", "x-queue-time", "x-inference-time", "x-tokenization-time", "x-total-time")) {
            long ms = Long.parseLong(r.headers().firstValue(h).orElseThrow(() -> new AssertionError("no " + h)));
            assertTrue(ms >= 0, h);
        }
        assertEquals(pipeline.tokenCounts(List.of(text))[0], Long.parseLong(r.headers().firstValue("x-compute-tokens").orElseThrow()));
    }

    @Test
    void batchesAreAnsweredWithOneListPerInputAndTokenCountsAddUp() throws Exception {
        List<String> texts = List.of("i hate it", "what a great film", "ok");
        HttpResponse<String> r = post(server, "/predict", JSON.writeValueAsString(Map.of("inputs",
                List.of(List.of(texts.get(0)), List.of(texts.get(1)), List.of(texts.get(2))))));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode got = body(r);
        assertEquals(3, got.size());
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            assertScores(direct(pipeline, texts.get(i), ClassifyOptions.defaults()), got.get(i));
            tokens += pipeline.tokenCounts(List.of(texts.get(i)))[0];
        }
        assertEquals(tokens, Long.parseLong(r.headers().firstValue("x-compute-tokens").orElseThrow()));

        // TEI reads [str] as one text, not a batch
        HttpResponse<String> one = post(server, "/predict", "{\"inputs\": [\"i hate it\"]}");
        assertScores(direct(pipeline, "i hate it", ClassifyOptions.defaults()), body(one));
    }

    @Test
    void rawScoresAreTheLogitsAndSoftmaxOfThemIsTheDefault() throws Exception {
        String text = "the plot was dull";
        JsonNode raw = body(post(server, "/predict", "{\"inputs\": \"" + text + "\", \"raw_scores\": true}"));
        JsonNode soft = body(post(server, "/predict", "{\"inputs\": \"" + text + "\"}"));
        float[] logits = pipeline.classify(List.of(text), null, ClassifyOptions.defaults()).classifications().get(0).logits();
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        List<String> names = pipeline.labels();
        for (JsonNode s : raw) {
            int id = names.indexOf(s.get("label").asText());
            assertEquals(logits[id], s.get("score").asDouble(), 1e-5, "raw score is the logit");
        }
        for (JsonNode s : soft) {
            int id = names.indexOf(s.get("label").asText());
            assertEquals(Math.exp(logits[id] - max) / sum, s.get("score").asDouble(), 1e-6);
        }
        assertScores(direct(pipeline, text, ClassifyOptions.defaults().withFunction(ScoreFunction.NONE)), raw);
    }

    @Test
    void aMultiLabelModelGetsSigmoidScoresByDefault() throws Exception {
        String text = "great music";
        JsonNode soft = body(post(multiLabelServer, "/predict", "{\"inputs\": \"" + text + "\"}"));
        JsonNode raw = body(post(multiLabelServer, "/predict", "{\"inputs\": \"" + text + "\", \"raw_scores\": true}"));
        Map<String, Double> logit = new java.util.HashMap<>();
        raw.forEach(s -> logit.put(s.get("label").asText(), s.get("score").asDouble()));
        for (JsonNode s : soft) {
            double l = logit.get(s.get("label").asText());
            assertEquals(1 / (1 + Math.exp(-l)), s.get("score").asDouble(), 1e-6, "sigmoid of the logit");
        }
    }

    @Test
    void tooLongInputsAre422UnlessTruncatedAndTruncationKeepsTheAskedEnd() throws Exception {
        int room = ServeModels.MAX_POSITIONS - 2; // [CLS] ... [SEP]
        String longText = words(100);
        String tooLong = error(post(server, "/predict", "{\"inputs\": \"" + longText + "\"}"), 422, "validation");
        assertTrue(tooLong.contains("102 tokens") && tooLong.contains("truncate"), tooLong);
        error(post(server, "/predict", "{\"inputs\": \"" + longText + "\", \"truncate\": false}"), 422, "validation");

        List<String> all = List.of(longText.split(" "));
        String head = String.join(" ", all.subList(0, room));
        String tail = String.join(" ", all.subList(all.size() - room, all.size()));
        JsonNode right = body(post(server, "/predict", "{\"inputs\": \"" + longText + "\", \"truncate\": true}"));
        JsonNode rightExplicit = body(post(server, "/predict",
                "{\"inputs\": \"" + longText + "\", \"truncate\": true, \"truncation_direction\": \"Right\"}"));
        JsonNode left = body(post(server, "/predict",
                "{\"inputs\": \"" + longText + "\", \"truncate\": true, \"truncation_direction\": \"Left\", \"raw_scores\": true}"));
        ClassifyOptions exact = ClassifyOptions.defaults().withTruncate(false);
        assertScores(direct(pipeline, head, exact), right);
        assertEquals(right, rightExplicit);
        assertScores(direct(pipeline, tail, exact.withFunction(ScoreFunction.NONE)), left);
        assertNotEquals(direct(pipeline, head, exact.withFunction(ScoreFunction.NONE)), direct(pipeline, tail, exact.withFunction(ScoreFunction.NONE)));
    }

    @Test
    void autoTruncateCutsWhenTheRequestDoesNotSay() throws Exception {
        try (ClassificationServer auto = ClassificationServer.builder().port(0).classifier(pipeline).autoTruncate(true).build()) {
            String longText = words(100);
            HttpResponse<String> r = post(auto, "/predict", "{\"inputs\": \"" + longText + "\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(ServeModels.MAX_POSITIONS, Long.parseLong(r.headers().firstValue("x-compute-tokens").orElseThrow()));
            error(post(auto, "/predict", "{\"inputs\": \"" + longText + "\", \"truncate\": false}"), 422, "validation");
            assertTrue(body(get(auto, "/info")).get("auto_truncate").asBoolean());
        }
    }

    @Test
    void oneClientsTooLongTextDoesNotFailTheOthersInItsBatch() throws Exception {
        try (ClassificationServer slow = ClassificationServer.builder().port(0).classifier(pipeline).maxWaitMillis(300).maxBatchSize(8).build()) {
            var bad = client.sendAsync(HttpRequest.newBuilder(slow.uri().resolve("/predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"" + words(100) + "\", \"truncate\": false}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var good = client.sendAsync(HttpRequest.newBuilder(slow.uri().resolve("/predict"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"fine words\", \"truncate\": false}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(422, bad.get().statusCode());
            assertEquals(200, good.get().statusCode(), good.get().body());
            assertScores(direct(pipeline, "fine words", ClassifyOptions.defaults()), body(good.get()));
        }
    }

    @Test
    void pairsAreScoredAsPairsAloneOrMixedWithSingleTexts() throws Exception {
        String a = "what is the film about?";
        String b = "a sad story of love";
        List<LabelScore> expected = pipeline.classifyPairs(List.of(new TextPair(a, b)), 0).get(0);
        assertNotEquals(direct(pipeline, a + " " + b, ClassifyOptions.defaults()), expected, "a pair is not the joined text");

        JsonNode single = body(post(server, "/predict", JSON.writeValueAsString(Map.of("inputs", List.of(a, b)))));
        assertScores(expected, single);
        HttpResponse<String> mixed = post(server, "/predict", JSON.writeValueAsString(Map.of("inputs",
                List.of(List.of(a, b), List.of("just one text"), List.of(b, a)))));
        assertEquals(200, mixed.statusCode(), mixed.body());
        JsonNode batch = body(mixed);
        assertScores(expected, batch.get(0));
        assertScores(direct(pipeline, "just one text", ClassifyOptions.defaults()), batch.get(1));
        assertScores(pipeline.classifyPairs(List.of(new TextPair(b, a)), 0).get(0), batch.get(2));
        int tokens = pipeline.encodePairs(List.of(new TextPair(a, b))).inputIds()[0].length * 2
                + pipeline.tokenCounts(List.of("just one text"))[0];
        assertEquals(tokens, Long.parseLong(mixed.headers().firstValue("x-compute-tokens").orElseThrow()));

        JsonNode hf = body(post(server, "/", JSON.writeValueAsString(Map.of("inputs", Map.of("text", a, "text_pair", b)))));
        assertScores(expected, hf.get(0));

        // A pair too long: 422 without truncation; truncated longest_first with it.
        String longA = words(60);
        String longB = words(30);
        error(post(server, "/predict", JSON.writeValueAsString(Map.of("inputs", List.of(longA, longB)))), 422, "validation");
        HttpResponse<String> cut = post(server, "/predict", JSON.writeValueAsString(Map.of("inputs", List.of(longA, longB), "truncate", true)));
        assertEquals(200, cut.statusCode(), cut.body());
        assertScores(pipeline.classifyPairs(List.of(new TextPair(longA, longB)), 0).get(0), body(cut));
        assertEquals(ServeModels.MAX_POSITIONS, Long.parseLong(cut.headers().firstValue("x-compute-tokens").orElseThrow()));
    }

    @Test
    void theHfInferenceApiFormIsNestedAndTakesTopKAndFunctionToApply() throws Exception {
        String text = "a happy story";
        JsonNode plain = body(post(server, "/", "{\"inputs\": \"" + text + "\"}"));
        assertEquals(1, plain.size(), "[[...]] for one input: " + plain);
        assertScores(direct(pipeline, text, ClassifyOptions.defaults()), plain.get(0));

        JsonNode top = body(post(server, "/", "{\"inputs\": \"" + text + "\", \"parameters\": {\"top_k\": 2}}"));
        assertScores(direct(pipeline, text, ClassifyOptions.defaults().withTopK(2)), top.get(0));
        for (String f : List.of("softmax", "sigmoid", "none")) {
            JsonNode got = body(post(server, "/", "{\"inputs\": \"" + text + "\", \"parameters\": {\"function_to_apply\": \"" + f + "\"}}"));
            assertScores(direct(pipeline, text, ClassifyOptions.defaults().withFunction(ScoreFunction.parse(f))), got.get(0));
        }
        JsonNode batch = body(post(server, "/", "{\"inputs\": [\"" + text + "\", \"sad\"], \"parameters\": {}}"));
        assertEquals(2, batch.size());
        assertScores(direct(pipeline, "sad", ClassifyOptions.defaults()), batch.get(1));
    }

    @Test
    void validationErrorsHaveTeiStatusesAndTypes() throws Exception {
        error(post(server, "/predict", "{\"inputs\": "), 400, "validation");
        error(post(server, "/predict", "{\"inputs\": []}"), 400, "empty");
        error(post(server, "/", "{\"inputs\": [], \"parameters\": {}}"), 400, "empty");
        error(post(server, "/predict", "{}"), 422, "validation");
        error(post(server, "/predict", "{\"inputs\": 5}"), 422, "validation");
        error(post(server, "/predict", "{\"inputs\": [\"a\", \"b\", \"c\"]}"), 422, "validation");
        error(post(server, "/predict", "{\"inputs\": [[\"a\"], \"b\"]}"), 422, "validation");
        error(post(server, "/predict", "{\"inputs\": [[\"a\", 1]]}"), 422, "validation");
        error(post(server, "/predict", "{\"inputs\": \"a\", \"truncate\": \"yes\"}"), 422, "validation");
        error(post(server, "/predict", "{\"inputs\": \"a\", \"truncation_direction\": \"Up\"}"), 422, "validation");
        error(post(server, "/", "{\"inputs\": \"a\", \"parameters\": {\"top_k\": 0}}"), 422, "validation");
        error(post(server, "/", "{\"inputs\": \"a\", \"parameters\": {\"function_to_apply\": \"relu\"}}"), 422, "validation");
        error(post(server, "/", "{\"inputs\": \"a\", \"parameters\": 3}"), 422, "validation");
        String over = error(post(server, "/predict", "{\"inputs\": [[\"a\"], [\"b\"], [\"c\"], [\"d\"], [\"e\"]]}"), 413, "validation");
        assertTrue(over.contains("max_client_batch_size"), over);
        try (ClassificationServer small = ClassificationServer.builder().port(0).classifier(pipeline).maxBodyBytes(64).build()) {
            error(post(small, "/predict", "{\"inputs\": \"" + words(40) + "\"}"), 413, "validation");
        }
    }

    @Test
    void infoDescribesTheModelAndLimits() throws Exception {
        HttpResponse<String> r = get(server, "/info");
        assertEquals(200, r.statusCode());
        JsonNode info = body(r);
        assertEquals("tiny-bert", info.get("model_id").asText());
        assertEquals("float32", info.get("model_dtype").asText());
        JsonNode classifier = info.get("model_type").get("classifier");
        assertEquals("positive", classifier.get("id2label").get("2").asText());
        assertEquals(0, classifier.get("label2id").get("negative").asInt());
        assertEquals(ServeModels.MAX_POSITIONS, info.get("max_input_length").asInt());
        assertEquals(4, info.get("max_client_batch_size").asInt());
        assertEquals(64L * ServeModels.MAX_POSITIONS, info.get("max_batch_tokens").asLong());
        assertFalse(info.get("auto_truncate").asBoolean());
        assertEquals("torch", info.get("runtime").asText());
        assertTrue(info.hasNonNull("version"));
    }

    @Test
    void healthAndPingRunTheModel() throws Exception {
        try (ClassificationServer fresh = ClassificationServer.builder().port(0).classifier(pipeline).build()) {
            for (String path : List.of("/health", "/ping", "/healthz")) {
                HttpResponse<String> r = get(fresh, path);
                assertEquals(200, r.statusCode(), path + ": " + r.body());
            }
            assertTrue(fresh.stats().batches() >= 1, "the first /health probed the model");
        }
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        post(server, "/predict", "{\"inputs\": [[\"good\"], [\"bad\"]]}");
        post(server, "/predict", "{\"inputs\": []}");
        HttpResponse<String> r = get(server, "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        String text = r.body();
        for (String line : List.of("# TYPE finetune4j_requests_total counter",
                "finetune4j_requests_total{route=\"/predict\",status=\"200\"}",
                "finetune4j_requests_total{route=\"/predict\",status=\"400\"}",
                "finetune4j_texts_total{route=\"/predict\",status=\"200\"}",
                "# TYPE finetune4j_request_duration_seconds histogram",
                "finetune4j_request_duration_seconds_bucket{route=\"/predict\",le=\"",
                "finetune4j_queue_duration_seconds_count", "finetune4j_inference_duration_seconds_count",
                "finetune4j_tokenization_duration_seconds_count", "finetune4j_batch_size_bucket{le=\"",
                "finetune4j_queue_depth 0", "finetune4j_tokens_total")) {
            assertTrue(text.contains(line), "missing '" + line + "' in\n" + text);
        }
        double tokens = Double.parseDouble(text.lines().filter(l -> l.startsWith("finetune4j_tokens_total ")).findFirst()
                .orElseThrow().split(" ")[1]);
        assertTrue(tokens >= 6, "tokens " + tokens);
    }

    @Test
    void openApiDescribesEveryRoute() throws Exception {
        HttpResponse<String> r = get(server, "/openapi.json");
        assertEquals(200, r.statusCode());
        JsonNode doc = body(r);
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        for (String path : List.of("/predict", "/", "/invocations", "/v1/classify", "/info", "/health", "/ping", "/healthz",
                "/metrics", "/v1/model", "/v1/stats", "/openapi.json")) {
            assertTrue(doc.get("paths").has(path), "openapi.json lacks " + path);
        }
    }
}
