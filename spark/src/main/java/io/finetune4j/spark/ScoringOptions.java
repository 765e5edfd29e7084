package io.finetune4j.spark;

import io.finetune4j.BadInputException;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an executor needs to build its pipeline: the model location and the pipeline options. Equal
 * options share one loaded pipeline per JVM ({@link SharedPipelines}); it travels to the executors
 * inside the partition function, so it holds only plain values.
 *
 * @param modelPath   a local folder, a Hadoop FileSystem URI (hdfs:, s3a:, ...) or the name of a
 *                    folder shipped with {@code --files}/{@code --archives} (resolved by SparkFiles)
 * @param batchSize   texts per forward pass
 * @param maxLength   tokens per input (special tokens included); null: the model's limit
 * @param runtime     "torch" (libtorch) or "onnx" (ONNX Runtime)
 * @param truncationSide "right", "left", or null: the side saved with the model (else right, HF's default)
 * @param intraOpThreads threads one forward pass may use (libtorch / ONNX Runtime intra-op); 0: the runtime's
 *                    default (every core of the machine). {@link TaskThreads#perTask} gives one per task CPU.
 * @param hadoopConf  the driver's Hadoop settings an executor needs to read {@code modelPath} (spark.hadoop.*); kept
 *                    only for a Hadoop URI (empty for a local or shipped folder)
 */
public record ScoringOptions(String modelPath, int batchSize, Integer maxLength, String runtime, String truncationSide,
                             int intraOpThreads, Map<String, String> hadoopConf) implements Serializable {
    public static final String TORCH = "torch";
    public static final String ONNX = "onnx";

    public ScoringOptions {
        if (modelPath == null || modelPath.isBlank()) {
            throw new BadInputException("no model path set: call setModelPath(DIR) (or give --model DIR)");
        }
        if (batchSize < 1) {
            throw new BadInputException("batch_size must be at least 1, got " + batchSize);
        }
        if (maxLength != null && maxLength < 1) {
            throw new BadInputException("max_length must be at least 1, got " + maxLength);
        }
        runtime = runtime == null ? TORCH : runtime.toLowerCase(Locale.ROOT);
        if (runtime.equals("djl")) { // the libtorch runtime's earlier name
            runtime = TORCH;
        }
        if (!runtime.equals(TORCH) && !runtime.equals(ONNX)) {
            throw new BadInputException("unknown runtime '" + runtime + "'; use torch or onnx");
        }
        // null or empty: the side saved with the model (tokenizer_config.json's truncation_side), as predict does.
        truncationSide = truncationSide == null || truncationSide.isBlank() ? null : truncationSide.toLowerCase(Locale.ROOT);
        if (truncationSide != null && !truncationSide.equals("right") && !truncationSide.equals("left")) {
            throw new BadInputException("unknown truncation side '" + truncationSide + "'; use right or left");
        }
        if (intraOpThreads < 0) {
            throw new BadInputException("intra-op threads must be >= 0 (0: the runtime's default), got " + intraOpThreads);
        }
        // Only a Hadoop URI is read with these settings; a local folder's options do not depend on them (Spark adds
        // spark.hadoop.* defaults of its own when a context starts, which would make equal jobs look different).
        hadoopConf = hadoopConf == null || !ModelLocation.isRemote(modelPath) ? Map.of() : Map.copyOf(new TreeMap<>(hadoopConf));
    }
}
