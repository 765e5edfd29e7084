package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import io.finetune4j.spark.SharedPipelines;
import io.finetune4j.spark.SparkEvaluate;
import io.finetune4j.spark.SparkPredict;
import io.finetune4j.spark.SparkTrain;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import io.finetune4j.pipeline.InferenceArguments;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune4j spark ...}: scoring and data-parallel training on Apache Spark (logic in the spark module). */
@Command(name = "spark", description = "Score tables and train on Apache Spark (in-process local[*], or on a cluster through spark-submit).",
        subcommands = {SparkCommand.Predict.class, SparkCommand.Evaluate.class, SparkCommand.Train.class})
final class SparkCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "predict", modelTransformer = ExecutorModel.class, description = {"Label every row of a table (parquet, json lines or csv) with a fine-tuned model.",
            "Keeps every input column and adds label and score; writes with Spark's commit protocol (no partial output)."})
    static final class Predict implements Callable<Integer> {
        @Mixin
        Table table;

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

        @Mixin
        Scoring scoring;

        @Option(names = "--partitions", paramLabel = "N", description = {"Spread the rows round-robin over N scoring tasks first "
                + "(default: as many as the input has, at least one per task slot, so that one big file or a parquet file with one "
                + "row group does not leave cores idle); 0 keeps the input's partitioning as read (no shuffle, each part file "
                + "in input order)."})
        Integer partitions;

        @Option(names = "--overwrite", description = "Replace --output if it exists (the old output stays until the new one is complete).")
        boolean overwrite;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SparkConf sparkConf = sparkConf("finetune4j spark predict", scoring.master, scoring.conf);
            InferenceArguments a = inference(table, scoring);
            SparkPredict.Request request = new SparkPredict.Request(a.model(), table.input, inputFormat, table.textColumn, table.textPairColumn, output,
                    outputFormat, a.runtime(), a.batchSize(), a.maxSeqLength(), outputPrefix, includeScores, overwrite, partitions);
            PrintWriter out = spec.commandLine().getOut();
            withSession(sparkConf, request, (spark, sessionSeconds) -> {
                SparkPredict.Summary s = SparkPredict.run(spark, request);
                // The job's time (read, score, write) apart from the fixed cost of starting Spark.
                out.printf(Locale.ROOT, "wrote %d rows (%d scored, %d with a null or blank text) to %s (%s) in %.1f s, %.1f rows/s; "
                                + "%d partitions; Spark session start %.1f s%n",
                        s.rows(), s.scored(), s.skipped(), s.output(), s.format(), s.seconds(), s.rowsPerSecond(), s.partitions(), sessionSeconds);
            });
            out.flush();
            return Main.OK;
        }
    }

    /** The options spark predict and spark evaluate share: the model and the table's text columns. */
    static final class Table {
        @Mixin
        InferenceOptions.Model model;

        @Option(names = "--input", required = true, paramLabel = "PATH", description = "Input file or folder (any Hadoop FileSystem path).")
        String input;

        @Option(names = {"--text_column_name", "--text-column-name"}, paramLabel = "NAME", defaultValue = "text", description = "Column holding the texts (default: ${DEFAULT-VALUE}).")
        String textColumn;

        @Option(names = {"--text_pair_column_name", "--text-pair-column-name"}, paramLabel = "NAME", description = "Column holding the second text of each pair (HF's text_pair); a null pair gets a null label.")
        String textPairColumn;
    }

    /** The model, how it runs and how many tokens it reads (the inference options, declared once in InferenceOptions). */
    static InferenceArguments inference(Table table, Scoring scoring) {
        return InferenceOptions.arguments(table.model, scoring.runtime, scoring.batchSize, scoring.maxSeqLength);
    }

    /** Executors load the model themselves: its folder must be a path each of them can read. */
    static final class ExecutorModel implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return InferenceOptions.adjust(spec, "--model", b -> b.paramLabel("DIR").description("Checkpoint folder every executor can read: "
                    + "a local path, an hdfs:/s3a: URI, or a folder name shipped with --archives."));
        }
    }

    /** The options spark predict and spark evaluate share: where Spark runs and how the model scores. */
    static final class Scoring {
        @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
        String master;

        @Mixin
        InferenceOptions.Runtime runtime;

        @Mixin
        InferenceOptions.BatchSize batchSize;

        @Mixin
        InferenceOptions.MaxSeqLength maxSeqLength;

        @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf (repeatable).")
        List<String> conf;
    }

    /** The session's settings: the spark.* system properties (spark-submit's), then ours, then --conf KEY=VALUE. */
    static SparkConf sparkConf(String appName, String master, List<String> conf) {
        String resolvedMaster = master != null ? master : System.getProperty("spark.master", "local[*]");
        SparkConf sparkConf = new SparkConf().setAppName(appName).setMaster(resolvedMaster)
                .set("spark.ui.enabled", "false")
                .set("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/finetune4j-spark-warehouse");
        if (resolvedMaster.startsWith("local")) {
            // In-process: the driver listens on loopback only (a --conf below may say otherwise).
            sparkConf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        if (conf != null) {
            for (String kv : conf) {
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new BadInputException("--conf " + kv + " is not KEY=VALUE");
                }
                sparkConf.set(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return sparkConf;
    }

    interface Job {
        void run(SparkSession spark, double sessionSeconds) throws Exception;
    }

    /**
     * Runs {@code job} on the session already running in this JVM (an embedding application, the tests), left
     * running, or on a new one, stopped afterwards with this JVM's pipelines. A new local session is this JVM's
     * executor: the request's model (none: null) loads while Spark starts (both mostly one thread), not after.
     */
    static void withSession(SparkConf sparkConf, SparkPredict.Request scoring, Job job) throws Exception {
        scala.Option<SparkSession> running = SparkSession.getDefaultSession();
        boolean own = running.isEmpty();
        CompletableFuture<Void> preload = own && scoring != null && sparkConf.get("spark.master").startsWith("local") ? SparkPredict.preload(sparkConf, scoring)
                : CompletableFuture.completedFuture(null);
        long start = System.nanoTime();
        SparkSession spark;
        try {
            spark = own ? SparkSession.builder().config(sparkConf).getOrCreate() : running.get();
        } catch (RuntimeException e) {
            preload.join();
            SharedPipelines.closeAll();
            throw e;
        }
        double sessionSeconds = (System.nanoTime() - start) / 1e9;
        try {
            job.run(spark, sessionSeconds);
        } finally {
            if (own) {
                spark.stop();
                preload.join(); // never fails: a failed preload leaves the load (and its error) to the job
                SharedPipelines.closeAll();
            }
        }
    }

    @Command(name = "evaluate", modelTransformer = ExecutorModel.class, description = {"Accuracy, precision, recall and F1 of a model on a labelled table, computed with Spark.",
            "Gold labels: ids (an integer column) or the model's label names (a string column). Two labels: the scores of label 1; "
                    + "more: macro averages. Rows with a null or blank text or a null label are counted and left out."})
    static final class Evaluate implements Callable<Integer> {
        @Mixin
        Table table;

        @Option(names = {"--label_column_name", "--label-column-name"}, paramLabel = "NAME", defaultValue = "label", description = "Column holding the gold label: id or name (default: ${DEFAULT-VALUE}).")
        String labelColumn;

        @Option(names = {"--input_format", "--input-format"}, paramLabel = "FORMAT", description = "parquet, json (JSON lines) or csv (with a header row) (default: from --input's extension, else parquet).")
        String inputFormat;

        @Mixin
        Scoring scoring;

        @Option(names = "--partitions", paramLabel = "N", description = "Scoring tasks, as spark predict's (default: as many as the input has, at least one per task slot; 0: the input's partitioning).")
        Integer partitions;

        @Mixin
        JsonOption json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SparkConf sparkConf = sparkConf("finetune4j spark evaluate", scoring.master, scoring.conf);
            InferenceArguments a = inference(table, scoring);
            SparkEvaluate.Request request = new SparkEvaluate.Request(a.model(), table.input, inputFormat, table.textColumn, table.textPairColumn, labelColumn,
                    a.runtime(), a.batchSize(), a.maxSeqLength(), partitions);
            PrintWriter out = spec.commandLine().getOut();
            withSession(sparkConf, SparkEvaluate.scoring(request), (spark, sessionSeconds) -> {
                SparkEvaluate.Result r = SparkEvaluate.run(spark, request);
                if (json.on()) {
                    out.println(io.finetune4j.config.ConfigSources.toJson(r.toMap()));
                    return;
                }
                out.printf(Locale.ROOT, "accuracy %.4f  precision %.4f  recall %.4f  f1 %.4f (%s%s) on %d rows (%d left out: no text or label) in %.1f s%n",
                        r.accuracy(), r.precision(), r.recall(), r.f1(), r.average(), r.average().equals("binary") ? ", positive label " + r.labels().get(1) : "",
                        r.evaluated(), r.skipped(), r.seconds());
                out.println("confusion matrix (rows: gold, columns: predicted) " + r.labels());
                for (int i = 0; i < r.confusion().length; i++) {
                    out.println("  " + r.labels().get(i) + ": " + java.util.Arrays.toString(r.confusion()[i]));
                }
            });
            out.flush();
            return Main.OK;
        }
    }

    @Command(name = "train", description = {"Data-parallel training as one Spark barrier stage: one task per rank, each starting one",
            "finetune4j train JVM with torchrun's variables (RANK, WORLD_SIZE, MASTER_ADDR: task 0's host, ...). The driver",
            "reads --train_table (and --eval_table) with Spark and stages each once, in row order, beside --output_dir;",
            "the model is renamed into --output_dir only when every rank succeeded (docs/DISTRIBUTED.md).",
            "Every other option goes to train, e.g. --config run.yaml --num_train_epochs 3 (docs/ARGUMENTS.md)."})
    static final class Train implements Callable<Integer>, Help.TakesArgumentFlags {
        @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
        String master;

        @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf (repeatable).")
        List<String> conf;

        @Option(names = {"--num_processes", "--num-processes"}, paramLabel = "N",
                description = "Ranks: tasks of the barrier stage, one child JVM each (default: every task slot, e.g. 2 on local[2]).")
        Integer numProcesses;

        @Option(names = {"--train_table", "--train-table"}, required = true, paramLabel = "PATH",
                description = "Training table: parquet, json lines or csv with a header row (any Hadoop FileSystem path).")
        String trainTable;

        @Option(names = {"--eval_table", "--eval-table"}, paramLabel = "PATH", description = "Evaluation table (train's validation split), same formats.")
        String evalTable;

        @Option(names = {"--table_format", "--table-format"}, paramLabel = "FORMAT",
                description = "parquet, json (JSON lines) or csv for both tables (default: from each path's extension, else parquet).")
        String tableFormat;

        @Option(names = {"--output_dir", "--output-dir"}, required = true, paramLabel = "DIR",
                description = "Where the model goes; a folder every executor's host can write (local disk in local mode, a shared file system on a cluster).")
        java.nio.file.Path outputDir;

        @Option(names = {"--overwrite_output_dir", "--overwrite-output-dir"}, arity = "0..1", paramLabel = "BOOL",
                description = "Replace a non-empty --output_dir (it stays as it was until the new model is complete).")
        boolean overwriteOutputDir;

        @CommandLine.Unmatched
        List<String> trainArguments = new java.util.ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            SparkConf sparkConf = sparkConf("finetune4j spark train", master, conf);
            List<String> rankArguments = new java.util.ArrayList<>(List.of(TrainCommand.class.getAnnotation(Command.class).name()));
            rankArguments.addAll(trainArguments);
            PrintWriter out = spec.commandLine().getOut();
            withSession(sparkConf, null, (spark, sessionSeconds) -> {
                SparkTrain.Result r = SparkTrain.builder(spark).trainTable(trainTable).evalTable(evalTable)
                        .tableFormat(tableFormat).outputDir(outputDir).overwriteOutputDir(overwriteOutputDir).numProcesses(numProcesses)
                        .mainClass(Main.class.getName()).rankArguments(rankArguments).build().run();
                out.printf(Locale.ROOT, "saved the model to %s: %d ranks on %s, %d training rows%s, in %.1f s; Spark session start %.1f s%n",
                        r.outputDir(), r.numProcesses(), spark.sparkContext().master(), r.trainRows(),
                        r.evalRows() == null ? "" : ", " + r.evalRows() + " evaluation rows", r.seconds(), sessionSeconds);
            });
            out.flush();
            return Main.OK;
        }
    }
}
