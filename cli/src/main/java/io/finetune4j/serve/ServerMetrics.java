package io.finetune4j.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;

/**
 * What {@code GET /metrics} shows, in the Prometheus text format (the Prometheus Java client, one
 * registry per server so several servers in one JVM do not mix their counts):
 * <ul>
 *   <li>{@code finetune4j_requests_total{route,status}} and {@code finetune4j_texts_total{route,status}};</li>
 *   <li>{@code finetune4j_request_duration_seconds{route}}, {@code finetune4j_queue_duration_seconds},
 *       {@code finetune4j_tokenization_duration_seconds}, {@code finetune4j_inference_duration_seconds}
 *       (histograms);</li>
 *   <li>{@code finetune4j_batch_size} (texts per model call, histogram), {@code finetune4j_batch_failures_total},
 *       {@code finetune4j_queue_depth} (texts waiting now) and {@code finetune4j_tokens_total}.</li>
 * </ul>
 */
final class ServerMetrics implements MicroBatcher.Listener {
    private static final double NANOS = 1e9;
    private static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    private static final double[] BATCH = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter texts;
    private final Counter tokens;
    private final Counter batchFailures;
    private final Histogram requestDuration;
    private final Histogram queueDuration;
    private final Histogram tokenizationDuration;
    private final Histogram inferenceDuration;
    private final Histogram batchSize;

    ServerMetrics(IntSupplier queueDepth) {
        requests = Counter.builder().name("finetune4j_requests_total").help("HTTP requests answered, by route and status")
                .labelNames("route", "status").register(registry);
        texts = Counter.builder().name("finetune4j_texts_total").help("Texts (or text pairs) in answered requests, by route and status")
                .labelNames("route", "status").register(registry);
        tokens = Counter.builder().name("finetune4j_tokens_total").help("Tokens the model ran, special tokens included")
                .register(registry);
        batchFailures = Counter.builder().name("finetune4j_batch_failures_total").help("Model calls that failed or were refused")
                .register(registry);
        requestDuration = seconds("finetune4j_request_duration_seconds", "Time from receiving a request to answering it")
                .labelNames("route").register(registry);
        queueDuration = seconds("finetune4j_queue_duration_seconds", "Time a request's texts waited in the batching queue (mean per text)")
                .register(registry);
        tokenizationDuration = seconds("finetune4j_tokenization_duration_seconds", "Tokenization time per model call").register(registry);
        inferenceDuration = seconds("finetune4j_inference_duration_seconds", "Model time per model call").register(registry);
        batchSize = Histogram.builder().name("finetune4j_batch_size").help("Texts scored together in one model call")
                .classicOnly().classicUpperBounds(BATCH).withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("finetune4j_queue_depth").help("Texts waiting to be scored now")
                .callback(cb -> cb.call(queueDepth.getAsInt())).register(registry);
    }

    private static Histogram.Builder seconds(String name, String help) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(SECONDS).withoutExemplars();
    }

    void answered(String route, int status, int textCount, long elapsedNanos) {
        String code = Integer.toString(status);
        requests.labelValues(route, code).inc();
        if (textCount > 0) {
            texts.labelValues(route, code).inc(textCount);
        }
        requestDuration.labelValues(route).observe(elapsedNanos / NANOS);
    }

    void queued(long queueNanos) {
        queueDuration.observe(queueNanos / NANOS);
    }

    @Override
    public void batchDone(int size, long tokenCount, long tokenizationNanos, long inferenceNanos, boolean failed) {
        if (failed) {
            batchFailures.inc();
            return;
        }
        batchSize.observe(size);
        tokens.inc(tokenCount);
        tokenizationDuration.observe(tokenizationNanos / NANOS);
        inferenceDuration.observe(inferenceNanos / NANOS);
    }

    String contentType() {
        return writer.getContentType();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
