package io.finetune4j.serve;

import io.finetune4j.BadInputException;
import io.finetune4j.config.Arg;
import io.finetune4j.config.ArgumentBinder;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of the HTTP service, the one place they live: snake_case names for YAML/JSON configs and
 * {@code --flags} (bound by {@link ArgumentBinder}), one set of defaults and one {@link #validate()}.
 * {@code serve} binds its flags here and {@link ClassificationServer.Builder} reads and writes these same
 * fields. Defaults bind to loopback only: serving on other interfaces is an explicit choice ({@code --host 0.0.0.0}).
 */
public final class ServeOptions {
    @Arg(name = "host", help = "Interface to listen on; 127.0.0.1 serves this machine only, 0.0.0.0 every interface.")
    String host = "127.0.0.1";
    @Arg(name = "port", help = "TCP port to listen on (0 picks a free port).")
    int port = 8080;
    @Arg(name = "max_batch_size", help = "Most texts scored together in one model call.")
    int maxBatchSize = 64;
    @Arg(name = "max_wait_ms", help = "How long the first queued text waits for others to fill its batch, in milliseconds.")
    long maxWaitMs = 5;
    @Arg(name = "queue_capacity", help = "Most texts waiting to be scored; requests beyond it get 429 with Retry-After.")
    int queueCapacity = 1024;
    @Arg(name = "max_body_bytes", help = "Largest accepted request body in bytes; larger ones get 413.")
    int maxBodyBytes = 1 << 20;
    @Arg(name = "http_threads", help = "Threads that parse requests and write responses (scoring runs on one batcher thread;"
            + " bodies are read without holding a thread, so slow clients do not use them up).")
    int httpThreads = 4;
    @Arg(name = "header_timeout_s", help = "A connection must deliver a complete request head (request line and headers) this many"
            + " seconds after it opens or after its previous response, else it is closed.")
    int headerTimeoutS = 10;
    @Arg(name = "body_timeout_s", help = "A request body must arrive whole within this many seconds of its head, else 408.")
    int bodyTimeoutS = 30;
    @Arg(name = "max_header_bytes", help = "Largest request head (request line and headers) in bytes; larger ones get 431 (414 for a"
            + " too-long URL).")
    int maxHeaderBytes = 8192;
    @Arg(name = "max_headers", help = "Most header lines in one request; more get 431.")
    int maxHeaders = 100;
    @Arg(name = "max_connections", help = "Most open client connections; further clients wait to be accepted until one closes.")
    int maxConnections = 1024;
    @Arg(name = "drain_timeout_s", help = "On shutdown, how long to keep finishing accepted requests before giving up, in seconds.")
    int drainTimeoutS = 30;
    @Arg(name = "max_client_batch_size", help = "Most inputs in one /predict or / request (TEI's limit); more get 413.")
    int maxClientBatchSize = 32;
    @Arg(name = "auto_truncate", help = "Cut too-long inputs of /predict and / requests that do not say truncate (else they get 422).")
    boolean autoTruncate = false;
    @Arg(name = "api_key", help = "Require 'Authorization: Bearer KEY' on every route but /health, /healthz and /ping (default: $FINETUNE4J_API_KEY, else none).")
    String apiKey;

    /** The environment variable that gives the API key when --api_key does not. */
    public static final String API_KEY_ENV = "FINETUNE4J_API_KEY";

    /** The defaults. */
    public ServeOptions() {}

    /** Defaults overridden by {@code values} (snake_case keys), validated; {@code origin} names the source in errors. */
    public static ServeOptions fromMap(Map<String, ?> values, String origin) {
        return ArgumentBinder.bind(new ServeOptions(), values, origin).validate();
    }

    /**
     * Checks ranges; a bad value is a {@link BadInputException} naming the argument.
     *
     * @return this
     */
    public ServeOptions validate() {
        if (host == null || host.isBlank()) {
            throw new BadInputException("host is empty; give an interface address such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new BadInputException("port " + port + " is out of range; use 0..65535 (0 picks a free port)");
        }
        atLeast("max_batch_size", maxBatchSize, 1);
        atLeast("max_wait_ms", maxWaitMs, 0);
        atLeast("queue_capacity", queueCapacity, 1);
        atLeast("max_body_bytes", maxBodyBytes, 1);
        atLeast("http_threads", httpThreads, 1);
        atLeast("header_timeout_s", headerTimeoutS, 1);
        atLeast("body_timeout_s", bodyTimeoutS, 1);
        atLeast("max_header_bytes", maxHeaderBytes, 1024);
        atLeast("max_headers", maxHeaders, 1);
        atLeast("max_connections", maxConnections, 1);
        atLeast("drain_timeout_s", drainTimeoutS, 0);
        atLeast("max_client_batch_size", maxClientBatchSize, 1);
        if (apiKey != null && apiKey.isBlank()) {
            throw new BadInputException("api_key is blank; give a key, or leave the flag out to serve without one");
        }
        return this;
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new BadInputException(name + " is " + value + "; it must be at least " + min);
        }
    }

    /** The values keyed by their snake_case names, for {@code --json} dumps and logs; the API key shows as "***". */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new java.util.LinkedHashMap<>(ArgumentBinder.toMap(this));
        if (apiKey != null) {
            out.put("api_key", "***");
        }
        return out;
    }

    /**
     * Takes the API key from {@code env}'s {@value #API_KEY_ENV} when --api_key was not given.
     *
     * @return this
     */
    public ServeOptions apiKeyFrom(Map<String, String> env) {
        if (apiKey == null) {
            String fromEnv = env.get(API_KEY_ENV);
            apiKey = fromEnv == null || fromEnv.isBlank() ? null : fromEnv;
        }
        return this;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public long maxWaitMs() {
        return maxWaitMs;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public int httpThreads() {
        return httpThreads;
    }

    public int maxClientBatchSize() {
        return maxClientBatchSize;
    }

    public boolean autoTruncate() {
        return autoTruncate;
    }

    /** The API key, or null for none. */
    public String apiKey() {
        return apiKey;
    }

    public Duration drainTimeout() {
        return Duration.ofSeconds(drainTimeoutS);
    }

    public Duration headerTimeout() {
        return Duration.ofSeconds(headerTimeoutS);
    }

    public Duration bodyTimeout() {
        return Duration.ofSeconds(bodyTimeoutS);
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public int maxHeaders() {
        return maxHeaders;
    }

    public int maxConnections() {
        return maxConnections;
    }
}
