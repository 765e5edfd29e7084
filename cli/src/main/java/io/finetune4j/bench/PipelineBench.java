package io.finetune4j.bench;

import io.finetune4j.util.Timing;
import io.finetune4j.util.Gemm;

import ai.djl.Device;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.Datasets;
import io.finetune4j.pipeline.TextClassificationPipeline;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text-classification pipeline throughput on IMDB test reviews (tokenize + forward + softmax), reviews/s. */
public final class PipelineBench {
    private PipelineBench() {}

    public static BenchResult run(String model, String dataset, int texts, int batchSize, int maxLength, Device device, int warmup,
            int repeat) throws Exception {
        Dataset test = Datasets.load(dataset).get("test").shuffle(42);
        int n = Math.min(texts, test.numRows());
        List<String> reviews = Arrays.asList(test.select(0, n).strings("text"));
        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder()
                .model(model).batchSize(batchSize).maxLength(maxLength).device(device).build()) {
            Timing t = Timing.measure(warmup, repeat, () -> pipeline.classify(reviews));
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("model", model);
            params.put("texts", n);
            params.put("batch_size", batchSize);
            params.put("max_length", maxLength);
            params.put("warmup", warmup);
            params.put("repeat", repeat);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("reviews_per_s", Gemm.round(n / t.median()));
            metrics.put("reviews_per_s_min", Gemm.round(n / t.max()));
            metrics.put("reviews_per_s_max", Gemm.round(n / t.min()));
            metrics.put("s_median", Gemm.round(t.median()));
            return new BenchResult("pipeline", params, metrics, MachineLine.describe(device.toString()), java.time.Instant.now().toString());
        }
    }
}
