package io.finetune4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.train.distributed.Launcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * {@code finetune4j spark train}: data-parallel training as ONE Spark barrier stage of {@code num_processes} tasks,
 * one rank each (Spark's TorchDistributor's model). The driver reads the training table (and an evaluation table)
 * with Spark and stages each once, as one file in the table's row order, next to the output; every task starts one
 * child JVM running {@code train} with torchrun's variables ({@link RankTask}) on that file; the ranks write to a
 * staging output folder that is renamed to {@code output_dir} only when the whole stage succeeded. A failed stage
 * leaves no output and no staging folder, and its error names the rank.
 *
 * <pre>{@code
 * SparkTrain.Result r = SparkTrain.builder(spark)
 *         .trainTable("s3a://bucket/reviews/train").evalTable("s3a://bucket/reviews/test")
 *         .outputDir("/shared/runs/imdb").mainClass("io.finetune4j.cli.Main")
 *         .rankArguments(List.of("train", "--config", "/shared/imdb.yaml"))
 *         .build().run();
 * }</pre>
 *
 * The output folder (and so the staging folder beside it) must be a path every executor's host can read and write
 * (a local disk in local mode, a shared file system on a cluster): the ranks read and write it as files.
 */
public final class SparkTrain {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrain.class);
    /** Flags {@code spark train} sets for the ranks itself: given among the rank arguments they are refused. */
    static final Set<String> OWN_FLAGS = Set.of("dataset_name", "train_split_name", "validation_split_name", "output_dir", "overwrite_output_dir");
    private static final Pattern RANK_FAILED = Pattern.compile("RankFailedException: (rank (\\d+)\\b[^\\n]*?exited with code (-?\\d+)[^\\n]*)");

    /** What the stage did: the model's folder, the number of ranks, and seconds from the first check to the rename. */
    public record Result(Path outputDir, int numProcesses, long trainRows, Long evalRows, double seconds) {}

    private final SparkSession spark;
    private final String trainTable;
    private final String evalTable;
    private final String tableFormat;
    private final Path outputDir;
    private final boolean overwriteOutputDir;
    private final Integer numProcesses;
    private final String mainClass;
    private final List<String> rankArguments;

    private SparkTrain(Builder b) {
        this.spark = Objects.requireNonNull(b.spark, "spark");
        this.trainTable = b.trainTable;
        this.evalTable = b.evalTable;
        this.tableFormat = b.tableFormat;
        this.outputDir = b.outputDir;
        this.overwriteOutputDir = b.overwriteOutputDir;
        this.numProcesses = b.numProcesses;
        this.mainClass = b.mainClass;
        this.rankArguments = List.copyOf(b.rankArguments);
        if (trainTable == null || trainTable.isBlank()) {
            throw new BadInputException("--train_table is required: the table (parquet, json lines or csv) every rank trains on");
        }
        if (outputDir == null) {
            throw new BadInputException("--output_dir is required: where the trained model is written");
        }
        if (mainClass == null || mainClass.isBlank()) {
            throw new BadInputException("the ranks' main class is required (io.finetune4j.cli.Main for finetune4j train)");
        }
        if (numProcesses != null && numProcesses < 1) {
            throw new BadInputException("--num_processes must be at least 1, got " + numProcesses);
        }
        for (String a : rankArguments) {
            String name = a.startsWith("--") ? a.substring(2).split("=", 2)[0].replace('-', '_') : null;
            if (name != null && OWN_FLAGS.contains(name)) {
                throw new BadInputException("--" + name + " is set by spark train itself (the ranks read the staged --train_table/--eval_table "
                        + "and write to a staging copy of --output_dir); leave it out of the train arguments");
            }
        }
    }

    public static Builder builder(SparkSession spark) {
        return new Builder(spark);
    }

    /** The task slots a barrier stage can use at once: default parallelism (local[N]: N) over {@code spark.task.cpus}. */
    public static int taskSlots(SparkSession spark) {
        int cpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        return Math.max(1, spark.sparkContext().defaultParallelism() / Math.max(1, cpus));
    }

    /** Stages the tables, runs the barrier stage and moves the ranks' output to {@link Builder#outputDir}. */
    public Result run() {
        long start = System.nanoTime();
        int n = numProcesses != null ? numProcesses : taskSlots(spark);
        int slots = taskSlots(spark);
        if (n > slots) {
            throw new BadInputException("--num_processes " + n + " needs " + n + " task slots at once (one barrier stage); this Spark has "
                    + slots + " (" + spark.sparkContext().master() + ")");
        }
        Path output = outputDir.toAbsolutePath().normalize();
        if (nonEmpty(output) && !overwriteOutputDir) {
            throw new BadInputException("--output_dir " + output + " already exists and is not empty; remove it or pass --overwrite_output_dir");
        }
        String trainFormat = SparkPredict.format(tableFormat, trainTable, "--table_format");
        SparkPredict.requireInput(spark, trainTable, trainFormat);
        String evalFormat = evalTable == null ? null : SparkPredict.format(tableFormat, evalTable, "--table_format");
        if (evalTable != null) {
            SparkPredict.requireInput(spark, evalTable, evalFormat);
        }
        Path parent = output.getParent();
        Path staging = parent.resolve("." + output.getFileName() + ".spark-train-" + UUID.randomUUID());
        try {
            Files.createDirectories(parent);
            Files.createDirectories(staging.resolve("data"));
            long trainRows = stage(spark, trainTable, trainFormat, staging.resolve("data"), "train");
            Long evalRows = evalTable == null ? null : stage(spark, evalTable, evalFormat, staging.resolve("data"), "validation");
            Path stagedOutput = staging.resolve("output");
            List<String> args = new ArrayList<>(rankArguments);
            args.addAll(List.of("--dataset_name", staging.resolve("data").toString(), "--train_split_name", "train",
                    "--output_dir", stagedOutput.toString()));
            if (evalTable != null) {
                args.addAll(List.of("--validation_split_name", "validation"));
            }
            LOG.info("spark train: {} ranks on {} (train {} rows{}), staging {}", n, spark.sparkContext().master(), trainRows,
                    evalRows == null ? "" : ", eval " + evalRows + " rows", staging);
            runStage(spark, n, mainClass, args, stagedOutput.toString());
            if (!Files.isDirectory(stagedOutput)) {
                throw new IllegalStateException("every rank exited with code 0 but rank 0 wrote no " + stagedOutput);
            }
            if (Files.exists(output)) {
                AtomicFiles.deleteRecursively(output); // overwrite_output_dir: the old output stayed until the new one was complete
            }
            Files.move(stagedOutput, output, StandardCopyOption.ATOMIC_MOVE);
            return new Result(output, n, trainRows, evalRows, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("spark train: " + e.getMessage(), e);
        } finally {
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException e) {
                LOG.warn("could not delete the staging folder {}: {}", staging, e.getMessage());
            }
        }
    }

    /**
     * Runs {@code mainClass args…} as {@code n} ranks in one barrier stage and waits for all of them. A rank that exits
     * non-zero fails the stage: BadInputException when it exited with 2 (bad input), else IllegalStateException, with
     * one line naming the rank and its exit code. {@code outputDir} (may be null): the ranks' output folder, emptied
     * before Spark retries the stage ({@code spark.task.maxFailures} on a cluster; local mode does not retry).
     */
    public static void runStage(SparkSession spark, int n, String mainClass, List<String> args, String outputDir) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RDD<Integer> ranks = jsc.parallelize(IntStream.range(0, n).boxed().toList(), n).rdd();
        String group = "finetune4j-spark-train-" + UUID.randomUUID();
        StageTasks tasks = new StageTasks(group);
        spark.sparkContext().addSparkListener(tasks);
        jsc.setJobGroup(group, "finetune4j spark train: " + n + " ranks", false);
        try {
            ranks.barrier().mapPartitions(new RankTask(mainClass, args, outputDir), false, ClassTag$.MODULE$.apply(String.class)).collect();
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            awaitStopped(tasks);
            throw failure(e, n);
        } finally {
            jsc.clearJobGroup();
            spark.sparkContext().removeSparkListener(tasks);
        }
    }

    /** The other tasks of a failed stage are being killed, each stopping its rank's JVM: wait for them. */
    private static void awaitStopped(StageTasks tasks) {
        try {
            if (!tasks.awaitEnded(Launcher.STOP_GRACE_SECONDS + 30)) {
                LOG.warn("spark train: some tasks of the failed stage had not ended after {} s", Launcher.STOP_GRACE_SECONDS + 30);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException failure(Exception e, int n) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RankTask.RankFailedException r) {
                return r.exitCode == 2 ? new BadInputException("spark train: " + r.getMessage(), e)
                        : new IllegalStateException("spark train: " + r.getMessage(), e);
            }
            Matcher m = t.getMessage() == null ? null : RANK_FAILED.matcher(t.getMessage());
            if (m != null && m.find()) {
                String line = "spark train: " + m.group(1).strip();
                return m.group(3).equals("2") ? new BadInputException(line, e) : new IllegalStateException(line, e);
            }
        }
        return new IllegalStateException("spark train: the barrier stage of " + n + " ranks failed: " + firstLine(e), e);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        return m.lines().findFirst().orElse("");
    }

    /**
     * Reads {@code table} with Spark and writes it as ONE file {@code dir/split.<ext>} (parquet, jsonl or csv, as read),
     * in the table's row order: files by path, each file's rows in order.
     */
    static long stage(SparkSession spark, String table, String format, Path dir, String split) throws IOException {
        Dataset<Row> rows;
        try {
            rows = SparkPredict.read(spark, format, table);
        } catch (BadInputException e) {
            throw e;
        } catch (Exception e) { // a SparkException from schema inference: checked, though Scala does not declare it
            throw new BadInputException("cannot read " + table + " as " + format + ": " + firstLine(e), e);
        }
        List<String> columns = List.of(rows.columns());
        Dataset<Row> ordered = rows
                .withColumn("_f4j_file", col("_metadata.file_path"))
                .withColumn("_f4j_start", col("_metadata.file_block_start"))
                .withColumn("_f4j_pos", monotonically_increasing_id())
                .coalesce(1)
                .sortWithinPartitions("_f4j_file", "_f4j_start", "_f4j_pos")
                .select(columns.stream().map(c -> col("`" + c.replace("`", "``") + "`")).toArray(org.apache.spark.sql.Column[]::new));
        Path written = dir.resolve("." + split + "-spark");
        DataFrameWriter<Row> writer = ordered.write().format(format).mode("errorifexists");
        if (format.equals("csv")) { // texts as they were: Spark's CSV writer trims them unless told not to
            writer = writer.option("header", "true").option("escape", "\"")
                    .option("ignoreLeadingWhiteSpace", "false").option("ignoreTrailingWhiteSpace", "false");
        }
        try {
            writer.save(written.toUri().toString());
        } catch (Exception e) {
            BadInputException bad = SparkPredict.badInputCause(e);
            throw bad != null ? bad : new BadInputException("cannot read " + table + " as " + format + ": " + firstLine(e), e);
        }
        Path part;
        try (Stream<Path> files = Files.list(written)) {
            List<Path> parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
            if (parts.size() != 1) {
                throw new IllegalStateException("staging " + table + " wrote " + parts.size() + " part files, expected one");
            }
            part = parts.get(0);
        }
        String ext = switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> "jsonl";
            default -> format;
        };
        Files.move(part, dir.resolve(split + "." + ext));
        AtomicFiles.deleteRecursively(written);
        return spark.read().format(format).options(format.equals("csv") ? java.util.Map.of("header", "true", "multiLine", "true", "escape", "\"")
                : java.util.Map.of()).load(dir.resolve(split + "." + ext).toUri().toString()).count();
    }

    private static boolean nonEmpty(Path dir) {
        if (!Files.exists(dir)) {
            return false;
        }
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list --output_dir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** How a training stage is set up; {@link #build()} checks it. */
    public static final class Builder {
        private final SparkSession spark;
        private String trainTable;
        private String evalTable;
        private String tableFormat;
        private Path outputDir;
        private boolean overwriteOutputDir;
        private Integer numProcesses;
        private String mainClass;
        private List<String> rankArguments = List.of();

        private Builder(SparkSession spark) {
            this.spark = spark;
        }

        /** The training table: a parquet folder or file, JSON lines, or CSV with a header row (any Hadoop path). */
        public Builder trainTable(String path) { this.trainTable = path; return this; }

        /** An evaluation table (the ranks' validation split), same formats. */
        public Builder evalTable(String path) { this.evalTable = path; return this; }

        /** parquet, json or csv for both tables (default: from each path's extension, else parquet). */
        public Builder tableFormat(String format) { this.tableFormat = format; return this; }

        /** Where the trained model goes (HF's output_dir); a local or shared folder every rank can write. */
        public Builder outputDir(Path dir) { this.outputDir = dir; return this; }

        /** Replace a non-empty output_dir (HF's overwrite_output_dir); it stays as it was until the new one is complete. */
        public Builder overwriteOutputDir(boolean overwrite) { this.overwriteOutputDir = overwrite; return this; }

        /** Ranks (tasks of the barrier stage); default: every task slot (TorchDistributor's num_processes). */
        public Builder numProcesses(Integer n) { this.numProcesses = n; return this; }

        /** The main class each rank's JVM runs: {@code io.finetune4j.cli.Main} for finetune4j's commands. */
        public Builder mainClass(String name) { this.mainClass = name; return this; }

        /**
         * The ranks' arguments, e.g. {@code train --config run.yaml --num_train_epochs 3}; spark train adds
         * {@code --dataset_name} (the staged tables), {@code --train_split_name}, {@code --validation_split_name} and
         * {@code --output_dir} (the staging folder).
         */
        public Builder rankArguments(List<String> args) { this.rankArguments = List.copyOf(args); return this; }

        public SparkTrain build() {
            return new SparkTrain(this);
        }
    }
}
