package io.finetune4j.bench;

import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.onnx.OnnxExporter;
import io.finetune4j.onnx.OnnxRuntimeModel;
import io.finetune4j.onnx.Quantization;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.util.Timing;
import io.finetune4j.util.Gemm;

import io.finetune4j.data.Dataset;
import io.finetune4j.data.Datasets;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.ClassifyResult;
import io.finetune4j.pipeline.RuntimeOptions;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.torch.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text-classification pipeline throughput on IMDB test reviews (tokenize + forward + softmax), reviews/s,
 * on one or more runtimes over the same texts: {@code djl} (libtorch), {@code onnx} (ONNX Runtime,
 * float32) and {@code onnx-int8} (ONNX Runtime, dynamic int8), each with its ratio to djl when djl ran.
 * A checkpoint folder is exported to ONNX into a temporary folder first (and cut to
 * {@code numHiddenLayers} when given), so every runtime runs the same weights.
 */
public final class PipelineBench {
    public static final List<String> RUNTIMES = List.of("torch", "onnx", "onnx-int8");

    private PipelineBench() {}

    public static BenchResult run(String model, String dataset, int texts, int batchSize, int maxLength, Device device, int warmup,
            int repeat) throws Exception {
        return run(model, null, List.of("torch"), dataset, texts, batchSize, maxLength, device, warmup, repeat, null).get(0);
    }

    /**
     * With {@code profileDir}, each runtime also runs one more pass over the texts that says where its time goes:
     * tokenization vs model (the pipeline's own timings) and the model's time by operator type, from the
     * runtime's own profiler (libtorch's, ONNX Runtime's); the traces are kept in that folder.
     */
    public static List<BenchResult> run(String model, Integer numHiddenLayers, List<String> runtimes, String dataset, int texts, int batchSize,
            int maxLength, Device device, int warmup, int repeat, Path profileDir) throws Exception {
        for (String r : runtimes) {
            if (!RUNTIMES.contains(r)) {
                throw new BadInputException("--runtime " + r + " is not one of " + RUNTIMES);
            }
        }
        Dataset test = Datasets.load(dataset).get("test").shuffle(42);
        int n = Math.min(texts, test.numRows());
        List<String> reviews = Arrays.asList(test.select(0, n).strings("text"));
        Path dir = PretrainedModels.resolve(model);
        boolean onnx = runtimes.stream().anyMatch(r -> r.startsWith("onnx"));
        boolean int8 = runtimes.contains("onnx-int8");
        Path work = null;
        try {
            Path checkpoint = dir;
            Path exported = dir;
            boolean exportedAlready = Files.isRegularFile(dir.resolve(OnnxExporter.ONNX_DIR).resolve(OnnxExporter.MODEL_FILE))
                    && (!int8 || Files.isRegularFile(dir.resolve(OnnxExporter.ONNX_DIR).resolve(OnnxExporter.QUANTIZED_FILE)));
            if (numHiddenLayers != null || (onnx && !exportedAlready)) {
                work = Files.createTempDirectory("finetune4j-bench-pipeline-");
                checkpoint = work.resolve("checkpoint");
                BenchModel m = BenchModel.pretrained(model, dir, numHiddenLayers);
                try (io.finetune4j.models.SequenceClassificationModel cut = m.open(device); AutoTokenizer tok = AutoTokenizer.fromPretrained(dir)) {
                    cut.savePretrained(checkpoint);
                    tok.savePretrained(checkpoint);
                }
                if (onnx) {
                    exported = work.resolve("exported");
                    OnnxExporter.export(checkpoint, exported, OnnxExporter.Options.defaults().withQuantization(int8 ? Quantization.INT8 : Quantization.NONE));
                }
            }
            if (profileDir != null) {
                Files.createDirectories(profileDir); // the traces are written here
            }
            List<BenchResult> out = new ArrayList<>();
            Double torchRate = null;
            for (String runtime : runtimes) {
                TextClassificationPipeline.Builder b = TextClassificationPipeline.builder().batchSize(batchSize).maxLength(maxLength);
                OnnxRuntimeModel profiled = null;
                if (runtime.equals("torch")) {
                    b.model(checkpoint).device(device);
                } else if (profileDir != null) {
                    profiled = OnnxRuntimeModel.open(exported, new RuntimeOptions(null, runtime.equals("onnx-int8")), profileDir.resolve(runtime));
                    b.runtime(profiled).tokenizer(exported);
                } else {
                    b.model(exported).runtime(OnnxRuntimeModel.NAME).quantized(runtime.equals("onnx-int8"));
                }
                try (OnnxRuntimeModel closeAfter = profiled; TextClassificationPipeline pipeline = b.build()) {
                    Timing t = Timing.measure(warmup, repeat, () -> pipeline.classify(reviews));
                    double rate = n / t.median();
                    if (runtime.equals("torch")) {
                        torchRate = rate;
                    }
                    Map<String, Object> params = new LinkedHashMap<>();
                    params.put("model", model);
                    if (numHiddenLayers != null) {
                        params.put("num_hidden_layers", numHiddenLayers);
                    }
                    params.put("runtime", runtime);
                    params.put("texts", n);
                    params.put("batch_size", batchSize);
                    params.put("max_length", maxLength);
                    params.put("warmup", warmup);
                    params.put("repeat", repeat);
                    Map<String, Object> metrics = new LinkedHashMap<>();
                    metrics.put("reviews_per_s", Gemm.round(rate));
                    metrics.put("reviews_per_s_min", Gemm.round(n / t.max()));
                    metrics.put("reviews_per_s_max", Gemm.round(n / t.min()));
                    metrics.put("s_median", Gemm.round(t.median()));
                    if (torchRate != null && !runtime.equals("torch")) {
                        metrics.put("ratio_to_torch", Gemm.round(rate / torchRate));
                    }
                    if (profileDir != null) {
                        metrics.putAll(whereTheTimeGoes(pipeline, reviews, runtime, profiled, profileDir));
                    }
                    String where = runtime.equals("torch") ? device.toString() : "cpu (ONNX Runtime, " + Runtime.getRuntime().availableProcessors() + " threads)";
                    out.add(new BenchResult("pipeline", params, metrics, MachineLine.describe(where), java.time.Instant.now().toString()));
                }
            }
            return out;
        } finally {
            if (work != null) {
                AtomicFiles.deleteRecursively(work);
            }
        }
    }

    /**
     * One more pass: tokenize vs model shares, then, for ONNX Runtime, the model's time by op type from its profiler.
     * libtorch's profiler (Kineto: enableProfiler/disableProfiler) is not mapped by JavaCPP's presets 1.5.13, so the
     * libtorch runtime reports the shares only.
     */
    private static Map<String, Object> whereTheTimeGoes(TextClassificationPipeline pipeline, List<String> reviews, String runtime,
            OnnxRuntimeModel profiled, Path profileDir) throws Exception {
        long start = System.nanoTime();
        ClassifyResult r = pipeline.classify(reviews, null, ClassifyOptions.defaults());
        Path trace = profiled == null ? null : profiled.endProfiling();
        double wall = System.nanoTime() - start;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profiled_pass_s", Gemm.round(wall / 1e9));
        m.put("tokenize_pct", Gemm.round(100 * r.tokenizationNanos() / wall));
        m.put("model_pct", Gemm.round(100 * r.inferenceNanos() / wall));
        if (trace != null) {
            m.put("model_time_by_op_pct", OpProfile.shares(OpProfile.read(trace), 8));
            m.put("profile_trace", trace.toString());
        }
        return m;
    }
}
