package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier;
import io.finetune4j.serve.ClassificationServer;
import io.finetune4j.serve.ServeOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import io.finetune4j.pipeline.InferenceArguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code serve --model DIR}: the text-classification pipeline behind HTTP on loopback, with dynamic
 * micro-batching. Server settings are ServeOptions' snake_case flags (--port, --max_batch_size, ...).
 */
@Command(name = "serve", description = "Serve a classifier over HTTP: TEI's POST /predict, the HF Inference API on POST /, "
        + "POST /v1/classify, GET /info, /health, /metrics (Prometheus), /openapi.json. Flags: --port, --host, --api_key, "
        + "--auto_truncate, --max_client_batch_size, --max_batch_size, --max_wait_ms, --queue_capacity, --max_body_bytes, "
        + "--header_timeout_s, --body_timeout_s, --max_header_bytes, --max_headers, --max_connections, --http_threads, ...")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    InferenceOptions.Model model;

    @Option(names = "--labels", split = ",", description = "Display names of the labels in id order (e.g. negative,positive).")
    List<String> labels;

    @Mixin
    InferenceOptions.MaxSeqLength maxSeqLength;

    @Mixin
    InferenceOptions.TruncationSide truncationSide;

    @Mixin
    InferenceOptions.Runtime runtime;

    @Mixin
    InferenceOptions.Quantized quantized;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServeOptions options = ServeOptions.fromMap(ConfigSources.parseFlags(flags), "flags").apiKeyFrom(System.getenv());
        // serve batches by --max_batch_size (ServeOptions): the pipeline's batch size follows it
        InferenceArguments arguments = InferenceOptions.arguments(model, maxSeqLength, truncationSide, runtime, quantized)
                .batchSize(options.maxBatchSize());
        String modelId = arguments.model();
        TextClassificationPipeline.Builder builder = arguments.pipeline();
        if (labels != null) {
            builder.labels(labels);
        }
        PrintWriter out = spec.commandLine().getOut();
        // Listen first, load second: while the model loads, /health answers 503 (loading) instead of refusing connections.
        CompletableFuture<TextClassifier> loading = new CompletableFuture<>();
        Map<String, Object> info = new LinkedHashMap<>();
        ClassificationServer server = ClassificationServer.builder()
                .loading(loading).modelInfo(info).options(options).modelId(modelId).build();
        Thread hook = server.closeOnShutdown(); // SIGTERM drains queued requests, then stops
        if (!server.isLoopback() && options.apiKey() == null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("warning: serving on " + server.uri() + " without an API key: anyone who can reach it can use the model;"
                    + " set --api_key KEY (or " + ServeOptions.API_KEY_ENV + ") or bind to 127.0.0.1");
            err.flush();
        }
        TextClassificationPipeline pipeline;
        try {
            pipeline = builder.build();
        } catch (RuntimeException e) {
            loading.completeExceptionally(e);
            server.close();
            Runtime.getRuntime().removeShutdownHook(hook);
            throw e;
        }
        try (pipeline) {
            info.put("model", modelId);
            info.put("labels", pipeline.labels());
            info.put("max_length", pipeline.maxLength());
            info.put("parameters", pipeline.runtime().numParameters());
            info.put("runtime", pipeline.runtime().name() + (arguments.quantized() ? " int8" : ""));
            loading.complete(pipeline);
            out.println("serving " + modelId + " on " + server.uri() + " (POST /predict, POST /, POST /v1/classify, GET /info,"
                    + " GET /health, GET /metrics" + (options.apiKey() != null ? "; API key required" : "") + "); Ctrl-C stops");
            out.flush();
            server.awaitClosed();
        }
        return Main.OK;
    }
}
