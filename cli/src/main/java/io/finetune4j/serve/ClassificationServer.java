package io.finetune4j.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.Classification;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.InputTooLongException;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service around a {@link TextClassifier}, on Jetty ({@link HttpListener}). It speaks
 * three dialects:
 * <ul>
 *   <li>Text Embeddings Inference (TEI): {@code POST /predict} (also {@code POST /invocations} and,
 *       see below, {@code POST /}) with {@code {"inputs", "truncate", "truncation_direction",
 *       "raw_scores"}}, {@code GET /info}, {@code GET /health}, {@code GET /metrics} (Prometheus),
 *       TEI's timing headers ({@code x-total-time}, {@code x-queue-time}, ...) and error bodies
 *       {@code {"error", "error_type"}};</li>
 *   <li>the HF Inference API: {@code POST /} with {@code {"inputs", "parameters": {"top_k",
 *       "function_to_apply"}}}, answered {@code [[{"label", "score"}, ...]]} as the official clients
 *       expect. {@code POST /} is the HF form unless the body carries one of TEI's own keys
 *       ({@code truncate}, {@code truncation_direction}, {@code raw_scores}) and no {@code parameters}
 *       (see {@link PredictRequest});</li>
 *   <li>its own: {@code POST /v1/classify} {@code {"texts": [...], "top_k": 1}}, {@code GET /healthz},
 *       {@code /v1/model}, {@code /v1/stats}.</li>
 * </ul>
 * Plus {@code GET /ping} (as /health) and {@code GET /openapi.json}. Built with {@link Builder#loading} the server listens
 * before the model is there and answers 503 ("loading") until it is. With an API key every route
 * but {@code /health}, {@code /healthz} and {@code /ping} needs {@code Authorization: Bearer KEY}
 * (compared in constant time), else 401.
 *
 * <p>Errors, every one with TEI's body: 400 malformed JSON, an empty batch or bytes that are not HTTP, 401 no or
 * wrong key, 404, 405, 408 a body slower than {@code body_timeout_s}, 413 body or batch over the limits, 414/431 a
 * URL or headers over {@code max_header_bytes} (431 also more than {@code max_headers} headers), 422 validation
 * (wrong types, a text too long while truncation is off, pairs for a model without them), 424 (TEI routes) or 500
 * ({@code /v1/classify}) when the model fails, 429 queue full (with Retry-After), 503 shutting down. Texts from
 * concurrent requests are scored together by a {@link MicroBatcher}; request threads never wait on the model nor
 * on a client's body: bodies are read as they arrive and a response is written when its batch completes.
 */
public final class ClassificationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClassificationServer.class);
    private static final String JSON_TYPE = TeiErrorHandler.JSON_TYPE;
    /** Routes that answer without an API key (probes of load balancers and orchestrators). */
    private static final Set<String> OPEN_ROUTES = Set.of("/health", "/healthz", "/ping");
    private static final Set<String> ROUTES = Set.of("/", "/predict", "/invocations", "/v1/classify", "/health", "/healthz",
            "/ping", "/info", "/v1/model", "/v1/stats", "/metrics", "/openapi.json");
    private static final String ROUTE_LIST = "POST /predict, POST /, POST /invocations, POST /v1/classify, GET /info, "
            + "GET /health, GET /ping, GET /healthz, GET /metrics, GET /v1/model, GET /v1/stats, GET /openapi.json";
    /** A model call that succeeded this recently proves the model answers; /health does not probe then. */
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final ObjectMapper json = new ObjectMapper();
    private final HttpListener listener;
    private final Executor httpThreads;
    private final Scheduler timers;
    private final ServerMetrics metrics;
    private final Builder settings;
    private final ServeOptions options;
    /** Null while the model loads (see {@link Builder#loading}); set once. */
    private volatile MicroBatcher batcher;
    private volatile Map<String, Object> modelInfo;
    private volatile Map<String, Object> info;
    private volatile String loadFailure;
    private final int maxBodyBytes;
    private final int maxClientBatchSize;
    private final boolean autoTruncate;
    private final byte[] apiKeyDigest;
    private final Duration drainTimeout;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Exchanges received whose answer is not yet written; close() waits for it to reach 0. */
    private final AtomicInteger openExchanges = new AtomicInteger();
    /** Bodies still arriving; close() answers them 503 rather than wait for slow clients. */
    private final Set<BodyReader> reading = ConcurrentHashMap.newKeySet();

    /** One exchange being answered: its route (for metrics), when it arrived and how many texts it held. */
    private static final class Call {
        final Request request;
        final Response response;
        final Callback callback;
        final String route;
        final long startNanos = System.nanoTime();
        final AtomicBoolean answered = new AtomicBoolean();
        /** Whether the answer has been written (or failed to be). */
        final AtomicBoolean done = new AtomicBoolean();
        /** Whether the connection closes after the answer (the body was left unread). */
        volatile boolean closeConnection;
        /** Whether the whole body was read. */
        volatile boolean bodyRead;
        int texts;

        Call(Request request, Response response, Callback callback, String route) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.route = route;
        }

        void header(String name, String value) {
            response.getHeaders().put(name, value);
        }
    }

    private ClassificationServer(Builder b) {
        this.settings = b;
        this.options = b.options;
        this.maxBodyBytes = options.maxBodyBytes();
        this.maxClientBatchSize = options.maxClientBatchSize();
        this.autoTruncate = options.autoTruncate();
        this.apiKeyDigest = options.apiKey() == null ? null : sha256(options.apiKey());
        this.drainTimeout = options.drainTimeout();
        this.metrics = new ServerMetrics(() -> {
            MicroBatcher current = batcher;
            return current == null ? 0 : current.queueDepth();
        });
        if (b.classifier != null) {
            ready(b.classifier);
        }
        try {
            this.listener = new HttpListener(options, new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    ClassificationServer.this.handle(request, response, callback);
                    return true;
                }
            });
        } catch (RuntimeException e) {
            if (batcher != null) {
                batcher.close(Duration.ZERO); // its thread goes with the server that did not start
            }
            throw e;
        }
        this.httpThreads = listener.executor();
        this.timers = listener.scheduler();
        if (apiKeyDigest == null && !isLoopback()) {
            LOG.warn("serving on {} without an API key: anyone who can reach this address can use the model; set --api_key"
                    + " (or FINETUNE4J_API_KEY) or bind to 127.0.0.1", uri());
        }
        LOG.info("serving on {}", uri());
        if (b.classifier == null) {
            b.loading.whenComplete((classifier, error) -> {
                if (error == null) {
                    ready(classifier);
                } else {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    loadFailure = describe(cause);
                }
            });
        }
    }

    /** The model is there: start batching and fix what /info and /v1/model answer. */
    private synchronized void ready(TextClassifier classifier) {
        if (closing.get() || batcher != null) {
            return;
        }
        Builder b = settings;
        modelInfo = b.modelInfo != null ? new LinkedHashMap<>(b.modelInfo) : new LinkedHashMap<>(Map.of("labels", classifier.labels()));
        info = info(b, classifier);
        batcher = new MicroBatcher(classifier, options.maxBatchSize(), options.maxWaitMs(), options.queueCapacity(), metrics);
    }

    /** The batcher, or 503 while the model is loading (or failed to load). */
    private MicroBatcher requireReady() {
        MicroBatcher current = batcher;
        if (current == null) {
            String failed = loadFailure;
            throw new HttpError(503, failed != null ? "the model failed to load: " + failed : "the model is loading; retry shortly",
                    "unhealthy");
        }
        return current;
    }

    private static Map<String, Object> info(Builder b, TextClassifier classifier) {
        ServeOptions o = b.options;
        List<String> labels = classifier.labels();
        Map<String, String> id2label = new LinkedHashMap<>();
        Map<String, Integer> label2id = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        int maxInput = b.maxInputLength != null ? b.maxInputLength
                : classifier instanceof TextClassificationPipeline p ? p.maxLength() : 512;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_id", b.modelId);
        out.put("model_sha", null);
        out.put("model_dtype", b.modelDtype);
        out.put("model_type", Map.of("classifier", Map.of("id2label", id2label, "label2id", label2id)));
        out.put("max_concurrent_requests", o.queueCapacity());
        out.put("max_input_length", maxInput);
        out.put("max_batch_tokens", (long) o.maxBatchSize() * maxInput);
        out.put("max_batch_requests", o.maxBatchSize());
        out.put("max_client_batch_size", o.maxClientBatchSize());
        out.put("auto_truncate", o.autoTruncate());
        out.put("tokenization_workers", 1);
        out.put("version", b.version);
        out.put("runtime", b.runtime != null ? b.runtime
                : classifier instanceof TextClassificationPipeline p ? p.runtime().name() : "custom");
        out.put("api_key_required", o.apiKey() != null);
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address actually bound (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return listener.address();
    }

    /** The bound port. */
    public int port() {
        return listener.address().getPort();
    }

    /** {@code http://host:port}, for clients and log lines. */
    public URI uri() {
        InetSocketAddress a = listener.address();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }

    /** Whether the server listens on loopback only. */
    public boolean isLoopback() {
        return listener.address().getAddress().isLoopbackAddress();
    }

    /** The batcher's counters (all 0 while the model loads). */
    public MicroBatcher.Stats stats() {
        MicroBatcher current = batcher;
        return current == null ? new MicroBatcher.Stats(0, 0, 0, 0, 0, 0, 0) : current.stats();
    }

    /** What GET /info answers; null while the model loads. */
    public Map<String, Object> info() {
        return info;
    }

    /** Whether the model is loaded and requests are scored. */
    public boolean isReady() {
        return batcher != null;
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
        // The drain is ours: new requests get 503 from here on (so do bodies still arriving: a slow client
        // does not hold the shutdown), queued texts finish, their responses are written, and only then is the
        // listener closed.
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (BodyReader r : reading) {
            r.abandon(new HttpError(503, "the server is shutting down", "unhealthy"));
        }
        MicroBatcher current;
        synchronized (this) {
            current = batcher; // ready() starts none once closing is set
        }
        boolean drained = current == null || current.close(drainTimeout);
        try {
            drained &= awaitNoExchanges(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            listener.stop();
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

    private void handle(Request request, Response response, Callback callback) {
        listener.headArrived(request);
        openExchanges.incrementAndGet();
        String path = Objects.requireNonNullElse(Request.getPathInContext(request), "");
        Call call = new Call(request, response, callback, ROUTES.contains(path) ? path : "other");
        guarded(call, () -> route(call, path));
    }

    /** Runs one step of answering {@code call}; what it throws is the answer (a 500 for anything but an {@link HttpError}). */
    private void guarded(Call call, Runnable step) {
        try {
            step.run();
        } catch (HttpError e) {
            if (e.status == 405) {
                call.header("Allow", allowed(call.route));
            }
            sendError(call, e);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", call.request.getMethod(), call.request.getHttpURI(), e);
            sendError(call, new HttpError(500, "internal error: " + describe(e)));
        }
    }

    private void route(Call call, String path) {
        Request request = call.request;
        String method = request.getMethod();
        int headers = request.getHeaders().size();
        if (headers > options.maxHeaders()) {
            call.closeConnection = true;
            throw new HttpError(431, "the request has " + headers + " headers; this server accepts at most " + options.maxHeaders()
                    + " (max_headers)");
        }
        if (!OPEN_ROUTES.contains(path)) {
            authorize(call);
        }
        switch (path) {
            case "/v1/classify" -> {
                requireMethod(method, "POST");
                classify(call);
            }
            case "/predict", "/invocations" -> {
                requireMethod(method, "POST");
                predict(call, PredictRequest.Form.TEI);
            }
            case "/" -> {
                requireMethod(method, "POST");
                predict(call, PredictRequest.Form.EITHER);
            }
            case "/health", "/ping" -> {
                requireMethod(method, "GET");
                health(call);
            }
            case "/healthz" -> {
                requireMethod(method, "GET");
                String status = closing.get() ? "shutting_down" : batcher == null ? "loading" : "ok";
                send(call, status.equals("ok") ? 200 : 503, Map.of("status", status));
            }
            case "/info" -> {
                requireMethod(method, "GET");
                requireReady();
                send(call, 200, info);
            }
            case "/v1/model" -> {
                requireMethod(method, "GET");
                requireReady();
                send(call, 200, modelInfo);
            }
            case "/v1/stats" -> {
                requireMethod(method, "GET");
                send(call, 200, statsJson(requireReady()));
            }
            case "/metrics" -> {
                requireMethod(method, "GET");
                sendBytes(call, 200, metrics.contentType(), metrics.scrape());
            }
            case "/openapi.json" -> {
                requireMethod(method, "GET");
                sendBytes(call, 200, JSON_TYPE, OpenApi.document());
            }
            default -> throw new HttpError(404, "no such endpoint: " + path + " (endpoints: " + ROUTE_LIST + ")");
        }
    }

    /** 401 unless the request carries {@code Authorization: Bearer KEY}; compares digests in constant time. */
    private void authorize(Call call) {
        if (apiKeyDigest == null) {
            return;
        }
        String header = call.request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(sha256(token), apiKeyDigest)) {
            call.header("WWW-Authenticate", "Bearer");
            throw new HttpError(401, header == null ? "this server needs an API key: send the header 'Authorization: Bearer KEY'"
                    : "the API key is wrong or not sent as 'Authorization: Bearer KEY'", "unauthorized");
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!expected.equals(method)) {
            throw new HttpError(405, "method " + method + " is not allowed here; use " + expected);
        }
    }

    private static String allowed(String route) {
        return Set.of("/v1/classify", "/predict", "/invocations", "/").contains(route) ? "POST" : "GET";
    }

    private void refuseWhileClosing() {
        if (closing.get()) {
            throw new HttpError(503, "the server is shutting down", "unhealthy");
        }
    }

    private void classify(Call call) {
        refuseWhileClosing();
        MicroBatcher batcher = requireReady();
        readBody(call, body -> classify(call, batcher, body));
    }

    private void classify(Call call, MicroBatcher batcher, byte[] body) {
        ClassifyRequest request = ClassifyRequest.parse(body, json);
        call.texts = request.texts().size();
        if (request.texts().size() > batcher.queueCapacity()) {
            throw new HttpError(413, "field 'texts' holds " + request.texts().size()
                    + " texts; this server accepts at most " + batcher.queueCapacity() + " per request (queue_capacity)");
        }
        submit(batcher, call, request.texts(), null, ClassifyOptions.defaults().withTopK(request.topK()))
                .whenCompleteAsync((outcome, error) -> {
                    if (error == null) {
                        timingHeaders(call, outcome, characters(request.texts(), null));
                        send(call, 200, Map.of("results", outcome.scores()));
                    } else {
                        sendFailure(call, error, false);
                    }
                }, httpThreads);
    }

    private void predict(Call call, PredictRequest.Form form) {
        refuseWhileClosing();
        MicroBatcher batcher = requireReady();
        readBody(call, body -> predict(call, batcher, form, body));
    }

    private void predict(Call call, MicroBatcher batcher, PredictRequest.Form form, byte[] body) {
        PredictRequest request = PredictRequest.parse(body, json, form, autoTruncate);
        call.texts = request.size();
        if (request.size() > maxClientBatchSize) {
            throw new HttpError(413, "batch size " + request.size() + " > maximum allowed batch size " + maxClientBatchSize
                    + " (max_client_batch_size); send fewer inputs per request", "validation");
        }
        if (request.size() > batcher.queueCapacity()) {
            throw new HttpError(413, "batch size " + request.size() + " > queue_capacity " + batcher.queueCapacity()
                    + "; send fewer inputs per request", "validation");
        }
        submit(batcher, call, request.texts(), request.pairs(), request.options())
                .whenCompleteAsync((outcome, error) -> {
                    if (error != null) {
                        sendFailure(call, error, true);
                        return;
                    }
                    List<List<Map<String, Object>>> answers = new ArrayList<>(request.size());
                    for (Classification c : outcome.classifications()) {
                        List<Map<String, Object>> scores = new ArrayList<>(c.scores().size());
                        for (LabelScore s : c.scores()) {
                            Map<String, Object> entry = new LinkedHashMap<>(2);
                            entry.put("label", s.label());
                            entry.put("score", s.score());
                            scores.add(entry);
                        }
                        answers.add(scores);
                    }
                    timingHeaders(call, outcome, characters(request.texts(), request.pairs()));
                    send(call, 200, request.single() && !request.hfForm() ? answers.get(0) : answers);
                }, httpThreads);
    }

    /** Queues texts; queue full is 429 with Retry-After, closing 503. */
    private static CompletableFuture<MicroBatcher.Outcome> submit(MicroBatcher batcher, Call call, List<String> texts, List<String> pairs,
                                                           ClassifyOptions options) {
        try {
            return batcher.submit(texts, pairs, options);
        } catch (QueueFullException e) {
            call.header("Retry-After", "1");
            throw new HttpError(429, e.getMessage(), "overloaded");
        } catch (BatcherClosedException e) {
            throw new HttpError(503, e.getMessage(), "unhealthy");
        }
    }

    private void sendFailure(Call call, Throwable error, boolean tei) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof BatcherClosedException) {
            sendError(call, new HttpError(503, cause.getMessage(), "unhealthy"));
        } else if (cause instanceof InputTooLongException) {
            sendError(call, new HttpError(422, cause.getMessage().replace("turn truncation on or use LongTextMode.WINDOWS",
                    "send \"truncate\": true to cut it (or start the server with --auto_truncate true)"), "validation"));
        } else if (cause instanceof BadInputException || cause instanceof UnsupportedOperationException) {
            sendError(call, new HttpError(422, describe(cause), "validation"));
        } else if (tei) {
            // The batcher logged the stack trace; the client gets the message only.
            sendError(call, new HttpError(424, "inference failed: " + describe(cause), "backend"));
        } else {
            sendError(call, new HttpError(500, "classification failed: " + describe(cause), "backend"));
        }
    }

    private static long characters(List<String> texts, List<String> pairs) {
        long n = 0;
        for (int i = 0; i < texts.size(); i++) {
            n += texts.get(i).codePointCount(0, texts.get(i).length());
            String pair = pairs == null ? null : pairs.get(i);
            n += pair == null ? 0 : pair.codePointCount(0, pair.length());
        }
        return n;
    }

    /** TEI's headers, whole milliseconds: total (= compute) time, tokenization, queue and inference means per input. */
    private void timingHeaders(Call call, MicroBatcher.Outcome outcome, long characters) {
        metrics.queued(outcome.queueNanos());
        var h = call.response.getHeaders();
        String total = Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos));
        h.put("x-compute-type", "cpu");
        h.put("x-compute-time", total);
        h.put("x-compute-characters", Long.toString(characters));
        h.put("x-compute-tokens", Long.toString(outcome.tokens()));
        h.put("x-total-time", total);
        h.put("x-tokenization-time", Long.toString(TimeUnit.NANOSECONDS.toMillis(outcome.tokenizationNanos())));
        h.put("x-queue-time", Long.toString(TimeUnit.NANOSECONDS.toMillis(outcome.queueNanos())));
        h.put("x-inference-time", Long.toString(TimeUnit.NANOSECONDS.toMillis(outcome.inferenceNanos())));
    }

    /**
     * 200 when the model answers: a model call succeeded in the last 5 s, or a one-text probe
     * through the queue succeeds within 10 s; 503 while loading, shutting down or when the probe fails.
     */
    private void health(Call call) {
        if (closing.get()) {
            throw new HttpError(503, "the server is shutting down", "unhealthy");
        }
        MicroBatcher batcher = requireReady();
        if (batcher.answeredWithin(FRESH_NANOS)) {
            send(call, 200, Map.of("status", "ok"));
            return;
        }
        CompletableFuture<MicroBatcher.Outcome> probe;
        try {
            probe = batcher.submit(List.of("health check"), null, ClassifyOptions.defaults().withTopK(1).withTruncate(true));
        } catch (QueueFullException | BatcherClosedException e) {
            throw new HttpError(503, "unhealthy: " + e.getMessage(), "unhealthy");
        }
        probe.orTimeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((outcome, error) -> {
            if (error == null) {
                send(call, 200, Map.of("status", "ok"));
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                sendError(call, new HttpError(503, "unhealthy: " + (cause instanceof TimeoutException
                        ? "the model did not answer within " + PROBE_TIMEOUT.toSeconds() + " s" : describe(cause)), "unhealthy"));
            }
        }, httpThreads);
    }

    /**
     * Reads the body as it arrives (no thread waits for a slow client), then runs {@code then} with it. More than
     * maxBodyBytes is 413 whether or not Content-Length was sent; a body not whole within body_timeout_s is 408.
     */
    private void readBody(Call call, Consumer<byte[]> then) {
        long declared = call.request.getLength();
        if (declared > maxBodyBytes) {
            call.closeConnection = true;
            throw tooLarge();
        }
        BodyReader reader = new BodyReader(call, then, declared);
        reading.add(reader);
        reader.timeout = timers.schedule(() -> reader.abandon(new HttpError(408, "the request body did not arrive within "
                + options.bodyTimeout().toSeconds() + " s (body_timeout_s); send it whole without pauses")),
                options.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS);
        // While the body arrives, an idle connection fails the read (408); afterwards, waiting for the model is not idleness.
        call.request.addIdleTimeoutListener(timeout -> reader.state.get() == BodyReader.READING);
        if (closing.get()) {
            reader.abandon(new HttpError(503, "the server is shutting down", "unhealthy"));
            return;
        }
        reader.run();
    }

    /** One body being read chunk by chunk; exactly one of: the body, 413, 408 or 400 (the client went away), 503 (closing). */
    private final class BodyReader implements Runnable {
        static final int READING = 0;
        static final int DONE = 1;
        final AtomicInteger state = new AtomicInteger(READING);
        final Call call;
        final Consumer<byte[]> then;
        volatile Scheduler.Task timeout;
        byte[] bytes;
        int size;

        BodyReader(Call call, Consumer<byte[]> then, long declared) {
            this.call = call;
            this.then = then;
            this.bytes = new byte[(int) Math.min(declared >= 0 ? declared : 8192, maxBodyBytes)];
        }

        @Override
        public void run() {
            while (state.get() == READING) {
                Content.Chunk chunk = call.request.read();
                if (chunk == null) {
                    call.request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable failure = chunk.getFailure();
                    abandon(failure instanceof TimeoutException
                            ? new HttpError(408, "the request body stopped arriving; send it whole without pauses")
                            : new HttpError(400, "the request body ended early: " + describe(failure)));
                    return;
                }
                ByteBuffer data = chunk.getByteBuffer();
                int n = data.remaining();
                if ((long) size + n > maxBodyBytes) {
                    chunk.release();
                    call.closeConnection = true;
                    abandon(tooLarge());
                    return;
                }
                if (size + n > bytes.length) {
                    bytes = Arrays.copyOf(bytes, (int) Math.min(maxBodyBytes, Math.max((long) bytes.length * 2, size + n)));
                }
                data.get(bytes, size, n);
                size += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    if (finish()) {
                        call.bodyRead = true;
                        byte[] body = size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
                        bytes = null;
                        guarded(call, () -> then.accept(body));
                    }
                    return;
                }
            }
        }

        /** Ends the read with {@code error} as the answer, unless the body is already complete. */
        void abandon(HttpError error) {
            if (finish()) {
                call.closeConnection = true;
                bytes = null;
                sendError(call, error);
            }
        }

        private boolean finish() {
            if (!state.compareAndSet(READING, DONE)) {
                return false;
            }
            reading.remove(this);
            Scheduler.Task t = timeout;
            if (t != null) {
                t.cancel();
            }
            return true;
        }
    }

    private HttpError tooLarge() {
        return new HttpError(413, "the request body is larger than " + maxBodyBytes
                + " bytes (max_body_bytes); send fewer or shorter texts per request", "validation");
    }

    private static Map<String, Object> statsJson(MicroBatcher batcher) {
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

    private void sendError(Call call, HttpError e) {
        if (e.status == 429 && !call.response.getHeaders().contains("Retry-After")) {
            call.header("Retry-After", "1");
        }
        sendBytes(call, e.status, JSON_TYPE, TeiErrorHandler.body(e));
    }

    private void send(Call call, int status, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sendBytes(call, status, JSON_TYPE, bytes);
    }

    /**
     * Writes the one answer of {@code call} (later calls are ignored: a timeout and a late body cannot both answer).
     * The exchange stays open, for close(), until the write is done.
     */
    private void sendBytes(Call call, int status, String contentType, byte[] bytes) {
        if (!call.answered.compareAndSet(false, true)) {
            return;
        }
        metrics.answered(call.route, status, call.texts, System.nanoTime() - call.startNanos);
        try {
            Response response = call.response;
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            if (call.closeConnection || !call.bodyRead && hasBody(call.request)) {
                // A body left unread ends the connection: say so, so that the client does not send its next request there.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            response.write(true, ByteBuffer.wrap(bytes), Callback.from(() -> {
                listener.responseDone(call.request);
                exchangeDone(call);
                call.callback.succeeded();
            }, failure -> {
                // The client went away; nothing more to do for this exchange.
                LOG.debug("could not write the response to {}", Request.getRemoteAddr(call.request), failure);
                exchangeDone(call);
                call.callback.failed(failure);
            }));
        } catch (RuntimeException e) {
            LOG.debug("could not answer {}", call.request.getHttpURI(), e);
            exchangeDone(call);
            call.callback.failed(e);
        }
    }

    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private void exchangeDone(Call call) {
        if (call.done.compareAndSet(false, true) && openExchanges.decrementAndGet() == 0) {
            synchronized (openExchanges) {
                openExchanges.notifyAll();
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * The model and what {@code GET /info} says about it, plus the server's settings, which live in {@link ServeOptions}
     * (its defaults and its validation; the setters here write to it). {@link #build()} binds the port and starts serving.
     */
    public static final class Builder {
        private TextClassifier classifier;
        private CompletableFuture<? extends TextClassifier> loading;
        private Map<String, ?> modelInfo;
        private ServeOptions options = new ServeOptions();
        private String modelId = "finetune4j";
        private String modelDtype = "float32";
        private Integer maxInputLength;
        private String runtime;
        private String version = defaultVersion();

        private Builder() {}

        /** The model behind the service (this or {@link #loading}). */
        public Builder classifier(TextClassifier classifier) {
            this.classifier = classifier;
            this.loading = null;
            return this;
        }

        /**
         * A model still loading: the server listens at once and answers 503 ({@code /health},
         * {@code /healthz}, the model routes) until {@code classifier} completes; if it fails, 503
         * with the reason. A {@link #modelInfo} map is copied when the model is there, so it may be
         * filled while loading.
         */
        public Builder loading(CompletableFuture<? extends TextClassifier> classifier) {
            this.loading = classifier;
            this.classifier = null;
            return this;
        }

        /** What GET /v1/model returns (labels, max length, parameter count, source checkpoint...); defaults to {labels}. */
        public Builder modelInfo(Map<String, ?> modelInfo) {
            this.modelInfo = modelInfo;
            return this;
        }

        /** Every server setting at once (host, port, batching, limits, timeouts, key); the setters below change this object. */
        public Builder options(ServeOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** {@code host}: interface to bind. */
        public Builder host(String host) {
            options.host = host;
            return this;
        }

        /** {@code port}: port to bind; 0 picks a free one, see {@link ClassificationServer#port()}. */
        public Builder port(int port) {
            options.port = port;
            return this;
        }

        /** {@code max_batch_size}. */
        public Builder maxBatchSize(int maxBatchSize) {
            options.maxBatchSize = maxBatchSize;
            return this;
        }

        /** {@code max_wait_ms}. */
        public Builder maxWaitMillis(long maxWaitMillis) {
            options.maxWaitMs = maxWaitMillis;
            return this;
        }

        /** {@code queue_capacity}. */
        public Builder queueCapacity(int queueCapacity) {
            options.queueCapacity = queueCapacity;
            return this;
        }

        /** {@code max_body_bytes}. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            options.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** {@code http_threads}. */
        public Builder httpThreads(int threads) {
            options.httpThreads = threads;
            return this;
        }

        /** {@code max_client_batch_size}. */
        public Builder maxClientBatchSize(int n) {
            options.maxClientBatchSize = n;
            return this;
        }

        /** {@code auto_truncate}. */
        public Builder autoTruncate(boolean on) {
            options.autoTruncate = on;
            return this;
        }

        /** {@code api_key}; null or blank: none. */
        public Builder apiKey(String key) {
            options.apiKey = key == null || key.isBlank() ? null : key;
            return this;
        }

        /** GET /info's model_id (the model folder or name). */
        public Builder modelId(String id) {
            this.modelId = id;
            return this;
        }

        /** GET /info's model_dtype (default float32). */
        public Builder modelDtype(String dtype) {
            this.modelDtype = dtype;
            return this;
        }

        /** GET /info's max_input_length; default: the pipeline's max_length (512 for other classifiers). */
        public Builder maxInputLength(Integer tokens) {
            this.maxInputLength = tokens;
            return this;
        }

        /** GET /info's runtime (djl, onnx); default: the pipeline's runtime, "custom" for other classifiers. */
        public Builder runtime(String name) {
            this.runtime = name;
            return this;
        }

        /** GET /info's version (default: the jar's version, or dev). */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        private static String defaultVersion() {
            String v = ClassificationServer.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }

        /** Validates the settings ({@link ServeOptions#validate()}: a bad one is a BadInputException naming it), binds and starts the server. */
        public ClassificationServer build() {
            if (classifier == null && loading == null) {
                throw new NullPointerException("classifier (or loading)");
            }
            options.validate();
            return new ClassificationServer(this);
        }
    }
}
