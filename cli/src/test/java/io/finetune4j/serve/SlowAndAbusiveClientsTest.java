package io.finetune4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and abusive clients against the real server on loopback, over raw sockets: stalled bodies do not take
 * the service down, and every 4xx, including those the HTTP layer produces itself, carries TEI's
 * {@code {"error", "error_type"}} body.
 */
class SlowAndAbusiveClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)");
    private final List<ClassificationServer> servers = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        servers.forEach(ClassificationServer::close);
    }

    private ClassificationServer start(ClassificationServer.Builder builder) {
        ClassificationServer server = builder.classifier(new KeywordClassifier()).build();
        servers.add(server);
        return server;
    }

    private ClassificationServer start() {
        return start(ClassificationServer.builder().port(0));
    }

    /** A response read off a raw socket: status, head and body, or status -1 when the server closed without one. */
    record Raw(int status, String head, String body) {
        JsonNode tei() throws IOException {
            JsonNode j = JSON.readTree(body);
            assertTrue(j.get("error").isTextual() && j.get("error_type").isTextual(), "TEI error body: " + body);
            return j;
        }
    }

    private Socket connect(ClassificationServer server) throws IOException {
        Socket s = new Socket(server.address().getAddress(), server.port());
        s.setSoTimeout(20_000);
        sockets.add(s);
        return s;
    }

    private static String head(ClassificationServer server, String requestLine, String... headers) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(server.port()).append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** Sends {@code request} (a send the server cuts short is fine: it may answer first) and reads one response. */
    private Raw exchange(ClassificationServer server, byte[] request) throws IOException {
        Socket s = connect(server);
        try {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
        } catch (IOException e) {
            // The server answered and closed before taking the whole request; its answer is still to be read.
        }
        return read(s);
    }

    private static Raw read(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                Matcher m = LENGTH.matcher(text.substring(0, end));
                if (m.find() && got.size() - end - 4 >= Integer.parseInt(m.group(1))) {
                    break;
                }
            }
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                break; // reset: whatever arrived is the answer
            }
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
        }
        String text = got.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/") || end < 0) {
            return new Raw(-1, text, "");
        }
        return new Raw(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
    }

    private static long healthMillis(ClassificationServer server, SlowAndAbusiveClientsTest test) throws IOException {
        long t0 = System.nanoTime();
        Raw health = test.exchange(server, head(server, "GET /health HTTP/1.1", "Connection: close").getBytes(StandardCharsets.US_ASCII));
        assertEquals(200, health.status(), health.head() + health.body());
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void healthAnswersWithinASecondWhileMoreBodiesStallThanThereAreThreads() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0).httpThreads(4));
        healthMillis(server, this); // the first model call (the health probe) warms up
        for (int i = 0; i < 8; i++) {
            Socket s = connect(server);
            s.getOutputStream().write((head(server, "POST /predict HTTP/1.1", "Content-Type: application/json",
                    "Content-Length: 1000") + "{\"inputs\": \"abc").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        Thread.sleep(500);
        for (int i = 0; i < 3; i++) {
            long ms = healthMillis(server, this);
            assertTrue(ms < 1000, "/health took " + ms + " ms while 8 bodies stall");
        }
        Raw predicted = exchange(server, post(server, "/predict", "{\"inputs\": \"great\"}"));
        assertEquals(200, predicted.status(), predicted.body());
        // Two requests on one kept-alive connection: answers that read their whole request keep it open.
        Socket s = connect(server);
        for (int i = 0; i < 2; i++) {
            s.getOutputStream().write(head(server, "GET /healthz HTTP/1.1").getBytes(StandardCharsets.US_ASCII));
            Raw r = read(s);
            assertEquals(200, r.status(), r.head());
            assertTrue(!r.head().toLowerCase(java.util.Locale.ROOT).contains("connection: close"), r.head());
        }
    }

    @Test
    void aStalledBodyIs408AfterTheBodyTimeoutAndCloseDoesNotWaitForIt() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0)
                .options(ServeOptions.fromMap(java.util.Map.of("port", 0, "body_timeout_s", 1), "test")));
        Socket s = connect(server);
        s.getOutputStream().write((head(server, "POST /predict HTTP/1.1", "Content-Length: 1000") + "{\"inputs\"")
                .getBytes(StandardCharsets.US_ASCII));
        long t0 = System.nanoTime();
        Raw timedOut = read(s);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(408, timedOut.status(), timedOut.head());
        assertEquals("validation", timedOut.tei().get("error_type").asText());
        assertTrue(timedOut.tei().get("error").asText().contains("body_timeout_s"), timedOut.body());
        assertTrue(ms < 5000, "408 after " + ms + " ms");

        Socket stalled = connect(server);
        stalled.getOutputStream().write((head(server, "POST /predict HTTP/1.1", "Content-Length: 1000") + "{")
                .getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(200);
        long c0 = System.nanoTime();
        server.close();
        assertTrue(System.nanoTime() - c0 < 5_000_000_000L, "close waited for a stalled body");
    }

    @Test
    void aRequestWaitingForTheModelIsNotCutByTheConnectionsIdleTimeout() throws Exception {
        KeywordClassifier slow = new KeywordClassifier().closeGate();
        ClassificationServer server = ClassificationServer.builder().classifier(slow)
                .options(ServeOptions.fromMap(java.util.Map.of("port", 0, "header_timeout_s", 1, "body_timeout_s", 1), "test")).build();
        servers.add(server);
        Socket s = connect(server);
        s.getOutputStream().write(post(server, "/predict", "{\"inputs\": \"great\"}"));
        slow.entered.await();
        Thread.sleep(3500); // past the connection's idle timeout (2 s here) with the request waiting for the model
        slow.open();
        Raw r = read(s);
        assertEquals(200, r.status(), r.head() + r.body());
    }

    @Test
    void connectionsOverMaxConnectionsWaitUntilOneCloses() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0)
                .options(ServeOptions.fromMap(java.util.Map.of("port", 0, "max_connections", 2), "test")));
        Socket first = connect(server);
        connect(server);
        Thread.sleep(300);
        Socket third = connect(server);
        third.getOutputStream().write(head(server, "GET /healthz HTTP/1.1", "Connection: close").getBytes(StandardCharsets.US_ASCII));
        third.setSoTimeout(1500);
        try {
            int b = third.getInputStream().read();
            throw new AssertionError("a third connection was served while 2 were open (read " + b + ")");
        } catch (SocketTimeoutException expected) {
            // not accepted yet
        }
        first.close();
        third.setSoTimeout(20_000);
        Raw r = read(third);
        assertEquals(200, r.status(), r.head());
    }

    @Test
    void aRequestHeadNotCompleteInTimeHasItsConnectionClosed() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0)
                .options(ServeOptions.fromMap(java.util.Map.of("port", 0, "header_timeout_s", 1), "test")));
        Socket s = connect(server);
        s.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
        long t0 = System.nanoTime();
        s.setSoTimeout(10_000);
        int first;
        try {
            first = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open 10 s with half a request head");
        } catch (IOException e) {
            first = -1;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(-1, first, "closed without an answer");
        assertTrue(ms >= 800 && ms < 5000, "closed after " + ms + " ms");
    }

    @Test
    void aThousandHeadersIs431WithTeiBody() throws Exception {
        ClassificationServer server = start();
        String[] headers = new String[1001];
        headers[0] = "Content-Length: 15";
        for (int i = 0; i < 1000; i++) {
            headers[i + 1] = "X-H" + i + ": v";
        }
        Raw r = exchange(server, (head(server, "POST /predict HTTP/1.1", headers) + "{\"inputs\": \"x\"}").getBytes(StandardCharsets.US_ASCII));
        assertEquals(431, r.status(), r.head() + r.body());
        assertEquals("validation", r.tei().get("error_type").asText());
        assertTrue(r.tei().get("error").asText().contains("max_header_bytes"), r.body());

        // Fewer bytes than max_header_bytes but more lines than max_headers (100): 431 too.
        String[] many = new String[150];
        for (int i = 0; i < many.length; i++) {
            many[i] = "a" + i + ":";
        }
        Raw counted = exchange(server, head(server, "GET /health HTTP/1.1", many).getBytes(StandardCharsets.US_ASCII));
        assertEquals(431, counted.status(), counted.head() + counted.body());
        assertTrue(counted.tei().get("error").asText().contains("max_headers"), counted.body());
    }

    @Test
    void bytesThatAreNotHttpAre400WithTeiBodyAndTheServerStaysUp() throws Exception {
        ClassificationServer server = start();
        for (int seed = 0; seed < 5; seed++) {
            byte[] garbage = new byte[5000];
            new Random(seed).nextBytes(garbage);
            byte[] request = new byte[garbage.length + 4];
            System.arraycopy(garbage, 0, request, 0, garbage.length);
            System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, request, garbage.length, 4);
            Raw r = exchange(server, request);
            assertEquals(400, r.status(), "seed " + seed + ": " + r.head() + r.body());
            assertEquals("validation", r.tei().get("error_type").asText());
        }
        Raw url = exchange(server, head(server, "GET /" + "a".repeat(100_000) + " HTTP/1.1").getBytes(StandardCharsets.US_ASCII));
        assertEquals(414, url.status(), url.head() + url.body());
        url.tei();
        Raw version = exchange(server, head(server, "GET /health HTTP/7.3").getBytes(StandardCharsets.US_ASCII));
        assertEquals(400, version.status(), version.head() + version.body());
        version.tei();
        assertTrue(healthMillis(server, this) < 10_000);
    }

    @Test
    void anOversizedBodyIs413WithTeiBodyWithOrWithoutContentLength() throws Exception {
        ClassificationServer server = start(ClassificationServer.builder().port(0).maxBodyBytes(1 << 16));
        byte[] big = ("{\"inputs\": \"" + "a".repeat(4 << 20) + "\"}").getBytes(StandardCharsets.US_ASCII);
        Raw sized = exchange(server, concat(head(server, "POST /predict HTTP/1.1", "Content-Type: application/json",
                "Content-Length: " + big.length), big));
        assertEquals(413, sized.status(), sized.head() + sized.body());
        assertTrue(sized.tei().get("error").asText().contains("max_body_bytes"), sized.body());

        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        for (int i = 0; i < big.length; i += 65536) {
            int n = Math.min(65536, big.length - i);
            chunked.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunked.write(big, i, n);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Raw streamed = exchange(server, concat(head(server, "POST /predict HTTP/1.1", "Transfer-Encoding: chunked"),
                chunked.toByteArray()));
        assertEquals(413, streamed.status(), streamed.head() + streamed.body());
        streamed.tei();
        assertTrue(healthMillis(server, this) < 10_000);
    }

    private static byte[] post(ClassificationServer server, String path, String body) {
        return concat(head(server, "POST " + path + " HTTP/1.1", "Connection: close", "Content-Type: application/json",
                "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length), body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }
}
