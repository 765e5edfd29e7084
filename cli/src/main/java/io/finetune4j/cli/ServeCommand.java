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
import picocli.CommandLine.Command;
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
    @Option(names = "--model", required = true, description = "Checkpoint folder, PEFT adapter folder, or a known model name.")
    String model;

    @Option(names = "--labels", split = ",", description = "Display names of the labels in id order (e.g. negative,positive).")
    List<String> labels;

    @Option(names = {"--max_length", "--max_seq_length"}, description = "Tokens per text (default: the model's maximum).")
    Integer maxLength;

    @Option(names = "--runtime", paramLabel = "djl|onnx", defaultValue = "djl",
            description = "djl: the safetensors checkpoint on libtorch; onnx: a folder from `export onnx` on ONNX Runtime (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--quantized", description = "With --runtime onnx: serve onnx/model_quantized.onnx (int8).")
    boolean quantized;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServeOptions options = ServeOptions.fromMap(ConfigSources.parseFlags(flags), "flags").apiKeyFrom(System.getenv());
        TextClassificationPipeline.Builder builder = TextClassificationPipeline.builder().model(model).batchSize(options.maxBatchSize())
                .runtime(runtime).quantized(quantized);
        if (labels != null) {
            builder.labels(labels);
        }
        if (maxLength != null) {
            builder.maxLength(maxLength);
        }
        PrintWriter out = spec.commandLine().getOut();
        // Listen first, load second: while the model loads, /health answers 503 (loading) instead of refusing connections.
        CompletableFuture<TextClassifier> loading = new CompletableFuture<>();
        Map<String, Object> info = new LinkedHashMap<>();
        ClassificationServer server = ClassificationServer.builder()
                .loading(loading).modelInfo(info).options(options).modelId(model).build();
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
            info.put("model", model);
            info.put("labels", pipeline.labels());
            info.put("max_length", pipeline.maxLength());
            info.put("parameters", pipeline.runtime().numParameters());
            info.put("runtime", pipeline.runtime().name() + (quantized ? " int8" : ""));
            loading.complete(pipeline);
            out.println("serving " + model + " on " + server.uri() + " (POST /predict, POST /, POST /v1/classify, GET /info,"
                    + " GET /health, GET /metrics" + (options.apiKey() != null ? "; API key required" : "") + "); Ctrl-C stops");
            out.flush();
            server.awaitClosed();
        }
        return Main.OK;
    }
}
