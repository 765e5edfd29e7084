package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.serve.ClassificationServer;
import io.finetune4j.serve.ServeOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code serve --model DIR}: the text-classification pipeline behind HTTP on loopback, with dynamic
 * micro-batching. Server settings are ServeOptions' snake_case flags (--port, --max_batch_size, ...).
 */
@Command(name = "serve", description = "Serve a classifier over HTTP: POST /v1/classify {\"texts\": [...]}, GET /healthz, GET /v1/model.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint folder, PEFT adapter folder, or a known model name.")
    String model;

    @Option(names = "--labels", split = ",", description = "Display names of the labels in id order (e.g. negative,positive).")
    List<String> labels;

    @Option(names = "--max_length", description = "Tokens per text (default: the model's maximum).")
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
        ServeOptions options = ServeOptions.fromMap(ConfigSources.parseFlags(flags), "flags");
        TextClassificationPipeline.Builder builder = TextClassificationPipeline.builder().model(model).batchSize(options.maxBatchSize())
                .runtime(runtime).quantized(quantized);
        if (labels != null) {
            builder.labels(labels);
        }
        if (maxLength != null) {
            builder.maxLength(maxLength);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (TextClassificationPipeline pipeline = builder.build()) {
            long parameters = pipeline.runtime().numParameters();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("model", model);
            info.put("labels", pipeline.labels());
            info.put("max_length", pipeline.maxLength());
            info.put("parameters", parameters);
            info.put("runtime", pipeline.runtime().name() + (quantized ? " int8" : ""));
            ClassificationServer server = ClassificationServer.builder()
                    .classifier(pipeline).modelInfo(info).options(options).build();
            server.closeOnShutdown(); // SIGTERM drains queued requests, then stops
            out.println("serving " + model + " on " + server.uri() + " (POST /v1/classify, GET /healthz, GET /v1/model); Ctrl-C stops");
            out.flush();
            server.awaitClosed();
        }
        return Main.OK;
    }
}
