package io.finetune4j.spark;

import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.TextClassificationPipeline;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One text-classification pipeline per JVM and {@link ScoringOptions}: every task of an executor
 * (and, in local mode, the driver too) shares it, so a model is loaded once per executor, not once
 * per task or partition. The pipeline may be called from several task threads at once.
 */
public final class SharedPipelines {
    private static final Logger LOG = LoggerFactory.getLogger(SharedPipelines.class);
    private static final Map<ScoringOptions, TextClassificationPipeline> PIPELINES = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static final Map<ScoringOptions, AtomicInteger> LOADS_BY_OPTIONS = new ConcurrentHashMap<>();

    private SharedPipelines() {}

    /** This JVM's pipeline for these options, built on first use. */
    public static TextClassificationPipeline get(ScoringOptions options) {
        TextClassificationPipeline p = PIPELINES.get(options);
        return p != null ? p : PIPELINES.computeIfAbsent(options, SharedPipelines::load);
    }

    /** How many pipelines this JVM has built since it started (or since {@link #closeAll}). */
    public static int loads() {
        return LOADS.get();
    }

    /** How many times this JVM has built the pipeline for these options (1 once it is in use; never more while it lives). */
    public static int loads(ScoringOptions options) {
        AtomicInteger n = LOADS_BY_OPTIONS.get(options);
        return n == null ? 0 : n.get();
    }

    /** Closes every pipeline of this JVM (tests, and the CLI when its job is done). */
    public static synchronized void closeAll() {
        PIPELINES.values().forEach(TextClassificationPipeline::close);
        PIPELINES.clear();
        LOADS.set(0);
        LOADS_BY_OPTIONS.clear();
    }

    private static TextClassificationPipeline load(ScoringOptions options) {
        Path dir = ModelLocation.localFolder(options.modelPath(), options.hadoopConf());
        long start = System.nanoTime();
        TextClassificationPipeline pipeline = TextClassificationPipeline.builder()
                .model(dir)
                .runtime(options.runtime()) // onnx: a folder from `export onnx`, finetune4j-onnx on the class path
                .batchSize(options.batchSize())
                .maxLength(options.maxLength())
                .truncationSide(options.truncationSide() == null ? null : io.finetune4j.tokenize.EncodeOptions.Side.parse(options.truncationSide()))
                .topK(0)
                .intraOpThreads(options.intraOpThreads())
                .build();
        LOADS.incrementAndGet();
        LOADS_BY_OPTIONS.computeIfAbsent(options, o -> new AtomicInteger()).incrementAndGet();
        LOG.info("loaded model {} ({}, {} runtime, {} intra-op threads per task) in {} ms", options.modelPath(), dir, options.runtime(),
                options.intraOpThreads() == 0 ? "default" : options.intraOpThreads(), (System.nanoTime() - start) / 1_000_000);
        return pipeline;
    }
}
