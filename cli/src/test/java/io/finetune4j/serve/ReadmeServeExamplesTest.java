package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.pipeline.ServeModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every curl line of README's serve block runs against a real server with a tiny model and answers 200. */
class ReadmeServeExamplesTest {
    private static final Pattern CURL = Pattern.compile("^curl -s localhost:8080(\\S*)(?: -H '[^']*')?(?: -d '(.*)')?$");

    @TempDir
    Path tmp;

    static List<String> serveBlock() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int heading = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("### serve")) {
                heading = i;
                break;
            }
        }
        assertTrue(heading >= 0, "README has a serve section");
        List<String> block = new ArrayList<>();
        int i = heading + 1;
        while (!lines.get(i).startsWith("```")) {
            i++;
        }
        for (i++; !lines.get(i).startsWith("```"); i++) {
            block.add(lines.get(i));
        }
        return block;
    }

    @Test
    void theServeBlocksCurlLinesAnswer200() throws Exception {
        List<String> block = serveBlock();
        assertTrue(block.get(0).startsWith("bin/finetune4j serve --model "), block.get(0));
        HttpClient client = HttpClient.newHttpClient();
        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder()
                .model(ServeModels.classifier(tmp, Map.of(0, "LABEL_0", 1, "LABEL_1"))).labels(List.of("negative", "positive"))
                .device(Device.cpu()).build();
             ClassificationServer server = ClassificationServer.builder().port(0).classifier(pipeline).build()) {
            int curls = 0;
            for (String line : block.subList(1, block.size())) {
                Matcher m = CURL.matcher(line);
                assertTrue(m.matches(), "not a curl line this test can run: " + line);
                HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(m.group(1).isEmpty() ? "/" : m.group(1)));
                if (m.group(2) != null) {
                    request.POST(HttpRequest.BodyPublishers.ofString(m.group(2)));
                }
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), line + " -> " + response.body());
                String body = response.body().strip();
                assertTrue(body.startsWith("{") || body.startsWith("["), line + " answers JSON: " + body);
                curls++;
            }
            assertTrue(curls >= 5, "the block shows the routes");
        }
    }
}
