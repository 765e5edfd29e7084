package io.finetune4j.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.TextClassifier;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service around a {@link TextClassifier}, on the JDK's built-in HTTP server:
 * <ul>
 *   <li>{@code POST /v1/classify} {@code {"texts": ["..."], "top_k": 1}} (or {@code {"text": "..."}})
 *       → {@code {"results": [[{"label": "POSITIVE", "score": 0.98}], ...]}}, one list per text;</li>
 *   <li>{@code GET /healthz} → {@code {"status": "ok"}} (503 {@code shutting_down} while closing);</li>
 *   <li>{@code GET /v1/model} → the model info given to the builder;</li>
 *   <li>{@code GET /v1/stats} → the {@link MicroBatcher} counters.</li>
 * </ul>
 * Errors are {@code {"error": "..."}} with 400 (bad body, names the field), 404, 405, 413 (body too
 * large), 503 (queue full, with Retry-After; or shutting down) and 500 (the classifier failed).
 * Texts from concurrent requests are scored together by a {@link MicroBatcher}; request threads
 * never wait on the model: a response is written when its batch completes.
 */
public final class ClassificationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassificationServer.class);
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final MicroBatcher batcher;
    private final Map<String, Object> modelInfo;
    private final int maxBodyBytes;
    private final Duration drainTimeout;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Exchanges received but not yet answered; close() waits for it to reach 0. */
    private final AtomicInteger openExchanges = new AtomicInteger();

    private ClassificationServer(Builder b) {
        this.maxBodyBytes = b.maxBodyBytes;
        this.drainTimeout = b.drainTimeout;
        this.modelInfo = b.modelInfo != null ? new LinkedHashMap<>(b.modelInfo)
                : new LinkedHashMap<>(Map.of("labels", b.classifier.labels()));
        InetSocketAddress address = new InetSocketAddress(b.host, b.port);
        if (address.isUnresolved()) {
            throw new BadInputException("host '" + b.host + "' is not a known address; use e.g. 127.0.0.1 or 0.0.0.0");
        }
        try {
            this.server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new BadInputException("cannot listen on " + b.host + ":" + b.port + " (" + e.getMessage()
                    + "); pick another port with --port, or 0 for a free one", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HTTP server on " + b.host + ":" + b.port, e);
        }
        this.batcher = new MicroBatcher(b.classifier, b.maxBatchSize, b.maxWaitMillis, b.queueCapacity);
        AtomicInteger threadNo = new AtomicInteger();
        this.httpThreads = Executors.newFixedThreadPool(b.workerThreads, r -> {
            Thread t = new Thread(r, "finetune4j-http-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(httpThreads);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("serving on {}", uri());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address actually bound (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port}, for clients and log lines. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    public MicroBatcher.Stats stats() {
        return batcher.stats();
    }

    /**
     * Graceful stop: answers new requests with 503, finishes every accepted request (waiting up
     * to the drain timeout), then closes the listener and stops the threads. Safe to call twice and from
     * several threads; a second caller waits for the first to finish.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        // JDK 17's HttpServer.stop(delay) always sleeps the whole delay, so the drain is ours:
        // new requests get 503 from here on, queued texts finish, their responses are written,
        // and only then is the listener closed.
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        boolean drained = batcher.close(drainTimeout);
        try {
            drained &= awaitNoExchanges(deadline);
            server.stop(0);
            httpThreads.shutdown();
            if (!httpThreads.awaitTermination(1, TimeUnit.SECONDS)) {
                httpThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.stop(0);
            httpThreads.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            closed.countDown();
        }
        LOG.info("server stopped{}", drained ? "" : " (some queued requests were dropped)");
    }

    private boolean awaitNoExchanges(long deadlineNanos) throws InterruptedException {
        synchronized (openExchanges) {
            while (openExchanges.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(openExchanges, left);
            }
            return true;
        }
    }

    /** Blocks until {@link #close()} has finished (e.g. a CLI main thread waiting for SIGTERM). */
    public void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Registers a JVM shutdown hook that closes this server, so SIGTERM / Ctrl-C drain in-flight
     * requests before the process exits.
     *
     * @return the hook thread (pass to {@link Runtime#removeShutdownHook} to undo)
     */
    public Thread closeOnShutdown() {
        Thread hook = new Thread(this::close, "finetune4j-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    // ---- request handling

    private void handle(HttpExchange exchange) {
        openExchanges.incrementAndGet();
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/v1/classify" -> {
                    requireMethod(method, "POST");
                    classify(exchange);
                }
                case "/healthz" -> {
                    requireMethod(method, "GET");
                    boolean up = !closing.get();
                    send(exchange, up ? 200 : 503, Map.of("status", up ? "ok" : "shutting_down"));
                }
                case "/v1/model" -> {
                    requireMethod(method, "GET");
                    send(exchange, 200, modelInfo);
                }
                case "/v1/stats" -> {
                    requireMethod(method, "GET");
                    send(exchange, 200, statsJson());
                }
                default -> throw new HttpError(404, "no such endpoint: " + path
                        + " (endpoints: POST /v1/classify, GET /healthz, GET /v1/model, GET /v1/stats)");
            }
        } catch (HttpError e) {
            if (e.status == 405) {
                exchange.getResponseHeaders().set("Allow", allowed(exchange.getRequestURI().getPath()));
            }
            sendError(exchange, e.status, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            sendError(exchange, 500, "internal error: " + describe(e));
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw new HttpError(405, "method " + method + " is not allowed here; use " + expected);
        }
    }

    private static String allowed(String path) {
        return "/v1/classify".equals(path) ? "POST" : "GET";
    }

    private void classify(HttpExchange exchange) {
        if (closing.get()) {
            throw new HttpError(503, "the server is shutting down");
        }
        ClassifyRequest request = ClassifyRequest.parse(readBody(exchange), json);
        if (request.texts().size() > batcher.queueCapacity()) {
            throw new HttpError(413, "field 'texts' holds " + request.texts().size()
                    + " texts; this server accepts at most " + batcher.queueCapacity() + " per request (queue_capacity)");
        }
        try {
            batcher.submit(request.texts(), request.topK())
                    .whenCompleteAsync((results, error) -> respond(exchange, results, error), httpThreads);
        } catch (QueueFullException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            throw new HttpError(503, e.getMessage());
        } catch (BatcherClosedException e) {
            throw new HttpError(503, e.getMessage());
        }
    }

    private void respond(HttpExchange exchange, List<List<LabelScore>> results, Throwable error) {
        if (error == null) {
            send(exchange, 200, Map.of("results", results));
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof BatcherClosedException) {
            sendError(exchange, 503, cause.getMessage());
        } else {
            // The batcher logged the stack trace; the client gets the message only.
            sendError(exchange, 500, "classification failed: " + describe(cause));
        }
    }

    /** Reads the body, refusing more than maxBodyBytes whether or not Content-Length was sent. */
    private byte[] readBody(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length '" + length + "' is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new HttpError(400, "could not read the request body: " + e.getMessage());
        }
    }

    private HttpError tooLarge() {
        return new HttpError(413, "the request body is larger than " + maxBodyBytes
                + " bytes (max_body_bytes); send fewer or shorter texts per request");
    }

    private Map<String, Object> statsJson() {
        MicroBatcher.Stats s = batcher.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests", s.requests());
        out.put("texts", s.texts());
        out.put("batches", s.batches());
        out.put("mean_batch_size", s.meanBatchSize());
        out.put("rejected_requests", s.rejectedRequests());
        out.put("failed_batches", s.failedBatches());
        out.put("queued_texts", s.queuedTexts());
        out.put("queue_capacity", batcher.queueCapacity());
        return out;
    }

    private void sendError(HttpExchange exchange, int status, String message) {
        send(exchange, status, Map.of("error", message));
    }

    private void send(HttpExchange exchange, int status, Object body) {
        try (exchange) {
            byte[] bytes = json.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // The client went away; nothing more to do for this exchange.
            LOG.debug("could not write the response to {}", exchange.getRemoteAddress(), e);
        } finally {
            if (openExchanges.decrementAndGet() == 0) {
                synchronized (openExchanges) {
                    openExchanges.notifyAll();
                }
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Settings for {@link ClassificationServer}; {@link #build()} binds the port and starts serving. */
    public static final class Builder {
        private TextClassifier classifier;
        private Map<String, ?> modelInfo;
        private String host = "127.0.0.1";
        private int port = 0;
        private int maxBatchSize = 64;
        private long maxWaitMillis = 5;
        private int queueCapacity = 1024;
        private int maxBodyBytes = 1 << 20;
        private int workerThreads = 4;
        private Duration drainTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /** The model behind the service (required). */
        public Builder classifier(TextClassifier classifier) {
            this.classifier = classifier;
            return this;
        }

        /** What GET /v1/model returns (labels, max length, parameter count, source checkpoint...); defaults to {labels}. */
        public Builder modelInfo(Map<String, ?> modelInfo) {
            this.modelInfo = modelInfo;
            return this;
        }

        /** Interface to bind; default 127.0.0.1 (loopback only). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Port to bind; 0 (the default) picks a free one, see {@link ClassificationServer#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder maxWaitMillis(long maxWaitMillis) {
            this.maxWaitMillis = maxWaitMillis;
            return this;
        }

        /** Most texts waiting to be scored (default 1024). */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** HTTP threads that parse requests and write responses (default 4). */
        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        /** How long {@link ClassificationServer#close()} keeps finishing accepted requests (default 30 s). */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        /** Takes host, port, batching, queue, body and thread settings from {@code options}. */
        public Builder options(ServeOptions options) {
            options.validate();
            return host(options.host()).port(options.port()).maxBatchSize(options.maxBatchSize())
                    .maxWaitMillis(options.maxWaitMs()).queueCapacity(options.queueCapacity())
                    .maxBodyBytes(options.maxBodyBytes()).workerThreads(options.httpThreads())
                    .drainTimeout(options.drainTimeout());
        }

        /** Binds and starts the server. */
        public ClassificationServer build() {
            Objects.requireNonNull(classifier, "classifier");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if (maxBodyBytes < 1 || maxBodyBytes == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxBodyBytes must be 1..2^31-2, got " + maxBodyBytes);
            }
            if (workerThreads < 1) {
                throw new IllegalArgumentException("workerThreads must be at least 1, got " + workerThreads);
            }
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative");
            }
            return new ClassificationServer(this);
        }
    }
}
