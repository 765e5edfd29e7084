package io.finetune4j.bench;

import io.finetune4j.util.Timing;
import io.finetune4j.util.Gemm;

import io.finetune4j.data.BatchFunction;
import io.finetune4j.data.Column;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.Datasets;
import io.finetune4j.data.MapOptions;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.EncodeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed's preprocessing: IMDB train reviews truncated and padded to max_length through the
 * tokenizer's data-set path. Reports reviews/s of the encoder alone, and the wall time of loading
 * IMDB from the cache and of {@code Dataset.map} cold (tokenize + write the cache) and warm (cache hit).
 */
public final class TokenizeBench {
    private TokenizeBench() {}

    public static BenchResult run(String model, String dataset, int texts, int maxLength, int warmup, int repeat) throws Exception {
        long t0 = System.nanoTime();
        Dataset train = Datasets.load(dataset).get("train");
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        if (texts > 0 && texts < train.numRows()) {
            train = train.select(0, texts);
        }
        String[] reviews = train.strings("text");
        try (AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(PretrainedModels.resolve(model))) {
            EncodeOptions options = EncodeOptions.builder().truncation(true).padding(EncodeOptions.Padding.MAX_LENGTH)
                    .maxLength(maxLength).build();
            BatchFunction fn = tokenizer.mapFunction("text", options);
            int batch = 1000;
            Timing encode = Timing.measure(warmup, repeat, () -> {
                for (int from = 0; from < reviews.length; from += batch) {
                    String[] slice = Arrays.copyOfRange(reviews, from, Math.min(reviews.length, from + batch));
                    fn.apply(Map.of("text", new Column.Strings(slice)));
                }
            });

            Path cacheDir = Files.createTempDirectory("finetune4j-bench-map");
            try {
                MapOptions mapOptions = MapOptions.builder().cacheDir(cacheDir).progress(false).build();
                long c0 = System.nanoTime();
                train.map(fn, mapOptions);
                double cold = (System.nanoTime() - c0) / 1e9;
                long w0 = System.nanoTime();
                train.map(fn, mapOptions);
                double warm = (System.nanoTime() - w0) / 1e9;

                Map<String, Object> params = new LinkedHashMap<>();
                params.put("model", model);
                params.put("dataset", dataset);
                params.put("texts", reviews.length);
                params.put("max_length", maxLength);
                params.put("warmup", warmup);
                params.put("repeat", repeat);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("reviews_per_s", Gemm.round(reviews.length / encode.median()));
                metrics.put("reviews_per_s_min", Gemm.round(reviews.length / encode.max()));
                metrics.put("reviews_per_s_max", Gemm.round(reviews.length / encode.min()));
                metrics.put("load_dataset_s", Gemm.round(loadSeconds));
                metrics.put("map_cold_s", Gemm.round(cold));
                metrics.put("map_cached_s", Gemm.round(warm));
                // The tokenizer always runs on the CPU, whatever device the model uses.
                return new BenchResult("tokenize", params, metrics, MachineLine.describe(io.finetune4j.torch.Device.cpu().toString()),
                        java.time.Instant.now().toString());
            } finally {
                AtomicFiles.deleteRecursively(cacheDir);
            }
        }
    }
}
