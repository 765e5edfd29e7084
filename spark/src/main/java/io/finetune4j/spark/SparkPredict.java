package io.finetune4j.spark;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code finetune4j spark predict}: reads a table with Spark's own readers, appends label and score with
 * {@link TextClassifierTransformer} and writes it with Spark's commit protocol. Everything the driver can
 * check is checked before a job runs; the table is written to a hidden sibling folder and renamed into
 * place when the job has succeeded, so a failed job leaves no partial output (and, with overwrite, the old
 * output stays until the new one is complete).
 */
public final class SparkPredict {
    private static final Logger LOG = LoggerFactory.getLogger(SparkPredict.class);
    public static final List<String> FORMATS = List.of("parquet", "json", "csv");

    /**
     * What was asked; null format: from the path's extension (parquet when none). {@code partitions}: how many
     * partitions the rows are spread over (round-robin) before scoring; null: {@link #partitions(int, int) as
     * many as the input has, and at least one per task slot}; 0: the input's partitioning as read (no shuffle).
     */
    public record Request(String model, String input, String inputFormat, String textColumn, String textPairColumn,
                          String output, String outputFormat, String runtime, int batchSize, Integer maxLength,
                          String outputPrefix, boolean includeScores, boolean overwrite, Integer partitions) {
        public Request {
            if (partitions != null && partitions < 0) {
                throw new BadInputException("--partitions must be >= 0 (0: keep the input's partitioning), got " + partitions);
            }
        }
    }

    /** What was done: {@code partitions} scoring tasks, {@code seconds} from the first check to the renamed output. */
    public record Summary(long rows, long scored, long skipped, String output, String format, int partitions, double seconds) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : 0;
        }
    }

    private SparkPredict() {}

    public static Summary run(SparkSession spark, Request r) {
        long start = System.nanoTime();
        String inFormat = format(r.inputFormat(), r.input(), "--input_format");
        String outFormat = r.outputFormat() != null ? format(r.outputFormat(), r.output(), "--output_format") : inFormat;
        if (r.includeScores() && outFormat.equals("csv")) {
            throw new BadInputException("csv cannot hold the scores map; write parquet or json, or leave scores out");
        }
        requireInput(spark, r.input(), inFormat);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path outputPath = new Path(r.output());
        try {
            FileSystem outFs = outputPath.getFileSystem(hadoop);
            if (outFs.exists(outputPath) && !r.overwrite()) {
                throw new BadInputException("--output " + r.output() + " already exists; remove it or pass --overwrite");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot check --output " + r.output() + ": " + e.getMessage(), e);
        }

        TextClassifierTransformer classifier = classifier(r);
        Dataset<Row> table = read(spark, inFormat, r.input());
        classifier.transformSchema(table.schema()); // the columns first: asking a broken input for its partitions fails less clearly
        int partitions = scoringPartitions(spark, table, r.partitions());
        table = spread(table, r.partitions(), partitions);
        LongAccumulator scored = spark.sparkContext().longAccumulator("finetune4j.scored");
        LongAccumulator skipped = spark.sparkContext().longAccumulator("finetune4j.skipped");
        Dataset<Row> labelled = classifier.transformCounting(table, scored, skipped); // checks columns, types and the model

        write(spark, labelled, outFormat, outputPath, r.overwrite());
        double seconds = (System.nanoTime() - start) / 1e9;
        long rows = scored.value() + skipped.value();
        return new Summary(rows, scored.value(), skipped.value(), r.output(), outFormat, partitions, seconds);
    }

    /** BadInputException unless {@code input} exists (any Hadoop FileSystem). */
    static void requireInput(SparkSession spark, String input, String format) {
        Path inputPath = new Path(input);
        try {
            if (!inputPath.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(inputPath)) {
                throw new BadInputException("--input " + input + " does not exist; give a " + format + " file or folder");
            }
        } catch (IOException e) {
            throw new BadInputException("cannot check --input " + input + ": " + e.getMessage(), e);
        }
    }

    /**
     * How many tasks score the table: {@code requested} when positive, the input's partitions as read when 0,
     * else {@link #partitions(int, int)}. Asks the unshuffled input only (its RDD is a plan, no job).
     */
    static int scoringPartitions(SparkSession spark, Dataset<Row> input, Integer requested) {
        if (requested != null && requested > 0) {
            return requested;
        }
        int in = input.rdd().getNumPartitions();
        return requested != null ? in : partitions(in, spark.sparkContext().defaultParallelism());
    }

    /**
     * The rows spread round-robin over {@code partitions} partitions, or the table as it is when {@code requested}
     * is 0: every task gets its share of rows, whatever the input's files and row groups look like.
     */
    static Dataset<Row> spread(Dataset<Row> table, Integer requested, int partitions) {
        return requested != null && requested == 0 ? table : table.repartition(partitions);
    }

    /**
     * The default spread: the input's partition count, and at least the job's task slots (its default
     * parallelism). Spark's file splits do not promise work for every task: a parquet file with one row group
     * (DuckDB's and pandas' default up to ~100k rows) is read by one task whatever its splits, which with a
     * small model halves the speed of local[2]. A round-robin shuffle of the input costs far less than the
     * forward passes it spreads.
     */
    static int partitions(int inputPartitions, int taskSlots) {
        return Math.max(1, Math.max(inputPartitions, taskSlots));
    }

    /** The transformer a request runs. */
    static TextClassifierTransformer classifier(Request r) {
        TextClassifierTransformer classifier = new TextClassifierTransformer()
                .setModelPath(r.model())
                .setInputCol(r.textColumn())
                .setOutputCol(r.outputPrefix() == null ? "" : r.outputPrefix())
                .setIncludeScores(r.includeScores())
                .setBatchSize(r.batchSize())
                .setRuntime(r.runtime() == null ? ScoringOptions.TORCH : r.runtime().toLowerCase(Locale.ROOT));
        if (r.textPairColumn() != null) {
            classifier.setTextPairCol(r.textPairColumn());
        }
        if (r.maxLength() != null) {
            classifier.setMaxLength(r.maxLength());
        }
        return classifier;
    }

    /**
     * Starts loading the request's pipeline into this JVM's {@link SharedPipelines} on a daemon thread, for a
     * local master, where this JVM runs the tasks: the load overlaps Spark's start instead of following it, and
     * the first task finds the model ready (or waits for the same load). {@code conf} is the SparkConf the
     * session will be built from, so the options equal the job's. A model on a Hadoop URI is not preloaded. The future never fails: any error (a bad
     * model folder, say) is left to the job's own checks, which report it.
     */
    public static CompletableFuture<Void> preload(SparkConf conf, Request r) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (r.model() == null || ModelLocation.isRemote(r.model())) {
            // A Hadoop URI's options carry spark.hadoop.* settings that the starting context adds to: they would not
            // match the job's, and the model would load twice.
            done.complete(null);
            return done;
        }
        ScoringOptions options;
        try {
            options = classifier(r).scoringOptions(conf);
        } catch (RuntimeException e) {
            done.complete(null);
            return done;
        }
        Thread t = new Thread(() -> {
            try {
                SharedPipelines.get(options);
            } catch (RuntimeException | Error e) {
                LOG.debug("preloading the model failed; the job will report it: {}", e.toString());
            } finally {
                done.complete(null);
            }
        }, "finetune4j-preload");
        t.setDaemon(true);
        t.start();
        return done;
    }

    static String format(String given, String path, String flag) {
        if (given != null) {
            String f = given.toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(f)) {
                throw new BadInputException(flag + " " + given + " is not one of " + String.join(", ", FORMATS));
            }
            return f;
        }
        String name = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        if (name.endsWith(".json") || name.endsWith(".jsonl")) {
            return "json";
        }
        if (name.endsWith(".csv")) {
            return "csv";
        }
        return "parquet";
    }

    /** Spark's reader; CSV as RFC 4180 (header row, quotes doubled, quoted newlines). */
    static Dataset<Row> read(SparkSession spark, String format, String path) {
        DataFrameReader reader = spark.read().format(format);
        if (format.equals("csv")) {
            reader = reader.option("header", "true").option("multiLine", "true").option("escape", "\"");
        }
        try {
            return reader.load(path);
        } catch (RuntimeException e) {
            throw new BadInputException("cannot read --input " + path + " as " + format + ": " + firstLine(e), e);
        }
    }

    /**
     * Writes into a hidden sibling folder with Spark's commit protocol, then renames it into place: readers of
     * the output never see a partial table. A failed job deletes the sibling and leaves the output as it was.
     */
    static void write(SparkSession spark, Dataset<Row> table, String format, Path output, boolean overwrite) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path staging = new Path(output.getParent(), "." + output.getName() + ".finetune4j-" + UUID.randomUUID());
        FileSystem fs;
        try {
            fs = output.getFileSystem(hadoop);
        } catch (IOException e) {
            throw new BadInputException("cannot open --output " + output + ": " + e.getMessage(), e);
        }
        DataFrameWriter<Row> writer = table.write().format(format).mode("errorifexists");
        if (format.equals("csv")) {
            writer = writer.option("header", "true").option("escape", "\"");
        }
        try {
            writer.save(staging.toString());
            if (fs.exists(output)) {
                if (!overwrite) {
                    throw new BadInputException("--output " + output + " appeared while the job ran; the result is in " + staging);
                }
                fs.delete(output, true);
            }
            if (!fs.rename(staging, output)) {
                throw new IOException("rename " + staging + " -> " + output + " failed");
            }
        } catch (IOException e) {
            deleteQuietly(fs, staging);
            throw new java.io.UncheckedIOException("cannot write --output " + output + ": " + e.getMessage(), e);
        } catch (Exception e) { // Spark's job failures are SparkExceptions: checked, though Scala does not declare them
            awaitIdle(spark); // tasks of the failed job still running would write into the staging folder again
            deleteQuietly(fs, staging);
            BadInputException bad = badInputCause(e);
            if (bad != null) {
                throw new BadInputException(bad.getMessage(), e);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("the Spark job failed, nothing was written to " + output + ": " + firstLine(rootCause(e)), e);
        }
    }

    /** Waits (up to 60 s) until no stage of this application runs. */
    private static void awaitIdle(SparkSession spark) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (spark.sparkContext().statusTracker().getActiveStageIds().length > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** A BadInputException thrown on an executor reaches the driver wrapped in a SparkException. */
    static BadInputException badInputCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException b) {
                return b;
            }
            if (t instanceof SparkException && t.getMessage() != null && t.getMessage().contains(BadInputException.class.getName() + ": ")) {
                String m = t.getMessage();
                String rest = m.substring(m.indexOf(BadInputException.class.getName() + ": ") + BadInputException.class.getName().length() + 2);
                int end = rest.indexOf('\n');
                return new BadInputException(end < 0 ? rest : rest.substring(0, end));
            }
        }
        return null;
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.getMessage());
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
