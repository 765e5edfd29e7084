package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeOptionsTest {
    @Test
    void defaultsBindToLoopbackWithTheDocumentedLimits() {
        ServeOptions o = new ServeOptions();
        assertEquals("127.0.0.1", o.host());
        assertEquals(64, o.maxBatchSize());
        assertEquals(5, o.maxWaitMs());
        assertEquals(1024, o.queueCapacity());
        assertEquals(1 << 20, o.maxBodyBytes());
        assertEquals(Duration.ofSeconds(30), o.drainTimeout());
        assertEquals(8080, o.toMap().get("port"));
    }

    @Test
    void bindsSnakeCaseKeysFromFlagsOrConfig() {
        ServeOptions o = ServeOptions.fromMap(Map.of("port", "0", "max_batch_size", 8, "max_wait_ms", "2",
                "queue_capacity", 16, "max_body_bytes", "4096", "http_threads", 2), "--flags");
        assertEquals(0, o.port());
        assertEquals(8, o.maxBatchSize());
        assertEquals(2, o.maxWaitMs());
        assertEquals(16, o.queueCapacity());
        assertEquals(4096, o.maxBodyBytes());
        assertEquals(2, o.httpThreads());
    }

    @Test
    void badValuesNameTheArgument() {
        BadInputException unknown = assertThrows(BadInputException.class,
                () -> ServeOptions.fromMap(Map.of("max_batchsize", 4), "serve.yaml"));
        assertTrue(unknown.getMessage().contains("max_batch_size"), unknown.getMessage());
        BadInputException range = assertThrows(BadInputException.class,
                () -> ServeOptions.fromMap(Map.of("queue_capacity", 0), "--flags"));
        assertTrue(range.getMessage().contains("queue_capacity"), range.getMessage());
        assertThrows(BadInputException.class, () -> ServeOptions.fromMap(Map.of("port", 70000), "--flags"));
    }

    @Test
    void teiLimitsAndTheApiKeyFromFlagsOrTheEnvironment() {
        ServeOptions defaults = new ServeOptions();
        assertEquals(32, defaults.maxClientBatchSize());
        assertEquals(false, defaults.autoTruncate());
        assertEquals(null, defaults.apiKey());
        assertEquals(null, defaults.apiKeyFrom(Map.of()).apiKey());
        assertEquals("from-env", new ServeOptions().apiKeyFrom(Map.of(ServeOptions.API_KEY_ENV, "from-env")).apiKey());

        ServeOptions o = ServeOptions.fromMap(Map.of("max_client_batch_size", "8", "auto_truncate", "true", "api_key", "k1"), "--flags");
        assertEquals(8, o.maxClientBatchSize());
        assertTrue(o.autoTruncate());
        assertEquals("k1", o.apiKeyFrom(Map.of(ServeOptions.API_KEY_ENV, "from-env")).apiKey(), "the flag wins");
        assertEquals("***", o.toMap().get("api_key"), "the key never shows in dumps");
        assertThrows(BadInputException.class, () -> ServeOptions.fromMap(Map.of("max_client_batch_size", 0), "--flags"));
        assertThrows(BadInputException.class, () -> ServeOptions.fromMap(Map.of("api_key", " "), "--flags"));
    }

    @Test
    void theServerTakesItsSettingsFromOptions() throws Exception {
        ServeOptions o = ServeOptions.fromMap(Map.of("port", 0, "queue_capacity", 7), "test");
        try (ClassificationServer server = ClassificationServer.builder().port(0).classifier(new KeywordClassifier())
                .options(o).build()) {
            assertTrue(server.address().getAddress().isLoopbackAddress());
            assertTrue(server.port() > 0);
            String stats = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(server.uri().resolve("/v1/stats")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(stats.contains("\"queue_capacity\":7"), stats);
        }
    }

    @Test
    void clientLimitsAndTimeoutsHaveDefaultsAndAreChecked() {
        ServeOptions defaults = new ServeOptions();
        assertEquals(Duration.ofSeconds(10), defaults.headerTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.bodyTimeout());
        assertEquals(8192, defaults.maxHeaderBytes());
        assertEquals(100, defaults.maxHeaders());
        assertEquals(1024, defaults.maxConnections());
        ServeOptions o = ServeOptions.fromMap(Map.of("header_timeout_s", 2, "body_timeout_s", "3", "max_header_bytes", 4096,
                "max_headers", 20, "max_connections", 8), "--flags");
        assertEquals(Duration.ofSeconds(2), o.headerTimeout());
        assertEquals(Duration.ofSeconds(3), o.bodyTimeout());
        assertEquals(4096, o.maxHeaderBytes());
        assertEquals(20, o.maxHeaders());
        assertEquals(8, o.maxConnections());
        for (String name : new String[] {"header_timeout_s", "body_timeout_s", "max_headers", "max_connections"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> ServeOptions.fromMap(Map.of(name, 0), "--flags"));
            assertTrue(e.getMessage().startsWith(name), e.getMessage());
        }
        assertThrows(BadInputException.class, () -> ServeOptions.fromMap(Map.of("max_header_bytes", 100), "--flags"));
    }

    @Test
    void theBuilderWritesToTheOneSettingsObjectAndBuildValidatesIt() throws Exception {
        ServeOptions o = new ServeOptions();
        ClassificationServer.Builder builder = ClassificationServer.builder().options(o).classifier(new KeywordClassifier());
        builder.port(0).maxClientBatchSize(3).httpThreads(1).apiKey(" ");
        assertEquals(0, o.port());
        assertEquals(3, o.maxClientBatchSize());
        assertEquals(1, o.httpThreads());
        assertEquals(null, o.apiKey(), "a blank key is none");
        BadInputException e = assertThrows(BadInputException.class, () -> ClassificationServer.builder().port(0)
                .classifier(new KeywordClassifier()).maxBodyBytes(0).build());
        assertTrue(e.getMessage().contains("max_body_bytes"), e.getMessage());
        try (ClassificationServer server = builder.build()) {
            java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(server.uri().resolve("/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "one HTTP thread serves");
        }
    }
}
