package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import io.finetune4j.spark.SharedPipelines;
import io.finetune4j.spark.SparkPredict;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune4j spark ...}: scoring at scale on Apache Spark (logic in the spark module). */
@Command(name = "spark", description = "Score tables on Apache Spark (in-process local[*], or on a cluster through spark-submit).",
        subcommands = {SparkCommand.Predict.class})
final class SparkCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "predict", description = {"Label every row of a table (parquet, json lines or csv) with a fine-tuned model.",
            "Keeps every input column and adds label and score; writes with Spark's commit protocol (no partial output)."})
    static final class Predict implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder every executor can read: a local path, an hdfs:/s3a: URI, or a folder name shipped with --archives.")
        String model;

        @Option(names = "--input", required = true, paramLabel = "PATH", description = "Input file or folder (any Hadoop FileSystem path).")
        String input;

        @Option(names = {"--text_column_name", "--text-column-name"}, paramLabel = "NAME", defaultValue = "text", description = "Column holding the texts (default: ${DEFAULT-VALUE}).")
        String textColumn;

        @Option(names = {"--text_pair_column_name", "--text-pair-column-name"}, paramLabel = "NAME", description = "Column holding the second text of each pair (HF's text_pair); a null pair gets a null label.")
        String textPairColumn;

        @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder (Spark writes a folder of part files).")
        String output;

        @Option(names = {"--input_format", "--input-format"}, paramLabel = "FORMAT", description = "parquet, json (JSON lines) or csv (with a header row) (default: from --input's extension, else parquet).")
        String inputFormat;

        @Option(names = {"--output_format", "--output-format"}, paramLabel = "FORMAT", description = "parquet, json or csv (default: the input's format).")
        String outputFormat;

        @Option(names = {"--output_prefix", "--output-prefix"}, paramLabel = "PREFIX", defaultValue = "", description = "Prefix of the added columns, e.g. predicted_ for predicted_label, predicted_score (default: none).")
        String outputPrefix;

        @Option(names = {"--include_scores", "--include-scores"}, description = "Also add scores: a map label -> probability (parquet and json only).")
        boolean includeScores;

        @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
        String master;

        @Option(names = "--runtime", paramLabel = "NAME", defaultValue = "djl", description = "djl (libtorch) or onnx (ONNX Runtime) (default: ${DEFAULT-VALUE}).")
        String runtime;

        @Option(names = {"--batch_size", "--batch-size"}, paramLabel = "N", defaultValue = "64", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = {"--max_length", "--max-length"}, paramLabel = "N", description = "Tokens per input (default: the model's limit, 512 for BERT).")
        Integer maxLength;

        @Option(names = "--overwrite", description = "Replace --output if it exists (the old output stays until the new one is complete).")
        boolean overwrite;

        @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf (repeatable).")
        List<String> conf;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String resolvedMaster = master != null ? master : System.getProperty("spark.master", "local[*]");
            limitTorchThreads(resolvedMaster);
            SparkSession.Builder builder = SparkSession.builder().appName("finetune4j spark predict").master(resolvedMaster)
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/finetune4j-spark-warehouse");
            if (resolvedMaster.startsWith("local")) {
                // In-process: the driver listens on loopback only (a --conf below may say otherwise).
                builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
            }
            if (conf != null) {
                for (String kv : conf) {
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        throw new BadInputException("--conf " + kv + " is not KEY=VALUE");
                    }
                    builder.config(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            SparkPredict.Request request = new SparkPredict.Request(model, input, inputFormat, textColumn, textPairColumn, output,
                    outputFormat, runtime, batchSize, maxLength, outputPrefix, includeScores, overwrite);
            PrintWriter out = spec.commandLine().getOut();
            // A session already running in this JVM (an embedding application, the tests) is used and left running.
            scala.Option<SparkSession> running = SparkSession.getDefaultSession();
            boolean own = running.isEmpty();
            SparkSession spark = own ? builder.getOrCreate() : running.get();
            try {
                SparkPredict.Summary s = SparkPredict.run(spark, request);
                out.printf(Locale.ROOT, "wrote %d rows (%d scored, %d with a null or blank text) to %s (%s) in %.1f s, %.1f rows/s%n",
                        s.rows(), s.scored(), s.skipped(), s.output(), s.format(), s.seconds(), s.rowsPerSecond());
            } finally {
                if (own) {
                    spark.stop();
                    SharedPipelines.closeAll();
                }
            }
            out.flush();
            return Main.OK;
        }

        /**
         * One libtorch intra-op thread per core per task slot, so that the tasks of a local[N] run do not
         * oversubscribe the cores; a value set with -Dai.djl.pytorch.num_threads wins.
         */
        static void limitTorchThreads(String master) {
            if (System.getProperty("ai.djl.pytorch.num_threads") != null) {
                return;
            }
            int cores = Runtime.getRuntime().availableProcessors();
            Matcher m = Pattern.compile("local\\[(\\d+|\\*)(?:,\\d+)?]").matcher(master);
            int slots = m.matches() ? (m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1))) : master.equals("local") ? 1 : cores;
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(Math.max(1, cores / Math.max(1, slots))));
        }
    }
}
