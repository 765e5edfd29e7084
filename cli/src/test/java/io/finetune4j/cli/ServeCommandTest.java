package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.ServeModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finetune4j serve} as a real process: flags, the API key from the environment, the warning for an open bind, SIGTERM. */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVING = Pattern.compile("serving .* on (http://\\S+) ");

    @TempDir
    Path tmp;

    @Test
    void servesWithTheKeyFromTheEnvironmentAndWarnsWhenBoundToEveryInterfaceWithoutOne() throws Exception {
        Path model = ServeModels.classifier(tmp, Map.of(0, "negative", 1, "positive"));
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");

        // With the key from FINETUNE4J_API_KEY, on loopback.
        ProcessBuilder keyed = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "io.finetune4j.cli.Main", "serve", "--model", model.toString(), "--port", "0", "--labels", "bad,good")
                .redirectError(tmp.resolve("keyed.err").toFile());
        keyed.environment().put("FINETUNE4J_API_KEY", "env-key");
        Process p = keyed.start();
        try {
            URI uri = awaitServing(p);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(uri.resolve("/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            HttpResponse<String> info = client.send(HttpRequest.newBuilder(uri.resolve("/info"))
                    .header("Authorization", "Bearer env-key").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode(), info.body());
            JsonNode body = JSON.readTree(info.body());
            assertEquals(model.toString(), body.get("model_id").asText());
            assertEquals("good", body.get("model_type").get("classifier").get("id2label").get("1").asText());
            assertEquals(ServeModels.MAX_POSITIONS, body.get("max_input_length").asInt());
            assertEquals("torch", body.get("runtime").asText());
            HttpResponse<String> predicted = client.send(HttpRequest.newBuilder(uri.resolve("/predict"))
                    .header("Authorization", "Bearer env-key")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"I love this movie\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, predicted.statusCode(), predicted.body());
            assertEquals(2, JSON.readTree(predicted.body()).size());
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook drains and stops
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
        assertTrue(!Files.readString(tmp.resolve("keyed.err")).contains("warning: serving"), "no warning on loopback");

        // Every interface, no key: a warning on stderr.
        Process open = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "io.finetune4j.cli.Main", "serve", "--model", model.toString(), "--port", "0", "--host", "0.0.0.0")
                .redirectError(tmp.resolve("open.err").toFile()).start();
        try {
            awaitServing(open);
            String err = Files.readString(tmp.resolve("open.err"));
            assertTrue(err.contains("warning: serving") && err.contains("without an API key") && err.contains("--api_key"), err);
        } finally {
            open.destroy();
            assertTrue(open.waitFor(60, TimeUnit.SECONDS));
        }
    }

    private static URI awaitServing(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (String line; (line = out.readLine()) != null && System.nanoTime() < deadline; ) {
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                return URI.create(m.group(1));
            }
        }
        throw new AssertionError("serve did not print its address (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")");
    }
}
