package io.finetune4j.spark;

import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.ModelRuntimes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * A Spark ML {@link Transformer} that labels a text column with a fine-tuned finetune4j (or HF) checkpoint:
 * the same {@code TextClassificationPipeline} as {@code finetune4j predict}, run inside {@code mapPartitions}.
 *
 * <pre>{@code
 * TextClassifierTransformer classifier = new TextClassifierTransformer()
 *         .setModelPath("hdfs:///models/imdb-bert")   // or a local folder every executor can read
 *         .setInputCol("review")
 *         .setOutputCol("predicted_")                 // prefix: predicted_label, predicted_score
 *         .setBatchSize(32);
 * Dataset<Row> scored = classifier.transform(reviews);
 * }</pre>
 *
 * <p>Output: every input column, then {@code <prefix>label} (string), {@code <prefix>score} (double: the top
 * label's probability) and, with {@link #setIncludeScores}, {@code <prefix>scores} (map label → probability).
 * A null or blank text gets null in all three; the job does not fail. With {@link #setTextPairCol} (or
 * {@code setInputCols(text, pair)}) each row is scored as a text pair (HF's {@code {"text", "text_pair"}}),
 * truncated longest_first to maxLength; a null pair gets a null label too (an empty pair is scored).
 *
 * <p>Each executor JVM loads the model once ({@link SharedPipelines}) and every task slot of it shares that
 * instance; each task's forward passes use {@code spark.task.cpus} intra-op threads (in {@code local[N]}: the
 * cores divided among the N task threads; {@link #setIntraOpThreads} to choose), so concurrent tasks do not
 * oversubscribe the cores. Rows are scored in chunks of {@code 8 × batchSize} texts, sorted by length within a
 * chunk and run in forward passes of {@code batchSize}.
 *
 * <p>One task scores one partition: give the input at least as many partitions as the job has task slots
 * ({@code dataset.repartition(n)}), or cores stay idle. A single small file is often one partition, and a
 * parquet file with one row group always feeds one task whatever its splits; {@code spark predict} spreads
 * its input over the task slots itself ({@code --partitions}).
 *
 * <p>Saved with {@code write().save(path)} and read back with {@link #load(String)}, alone or inside a
 * {@code Pipeline}/{@code PipelineModel}: only the parameters are saved, the model stays where modelPath says.
 */
public final class TextClassifierTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> textPairCol;
    private final Param<String> outputCol;
    private final BooleanParam includeScores;
    private final IntParam batchSize;
    private final IntParam maxLength;
    private final Param<String> runtime;
    private final Param<String> truncationSide;
    private final IntParam intraOpThreads;

    public TextClassifierTransformer() {
        this(Identifiable$.MODULE$.randomUID("finetune4jTextClassifier"));
    }

    public TextClassifierTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "checkpoint folder: a local path every executor can read, an hdfs:/s3a: URI, or a name shipped with --archives/--files");
        inputCol = new Param<>(this, "inputCol", "column holding the texts");
        textPairCol = new Param<>(this, "textPairCol", "column holding the second text of each pair (optional)");
        outputCol = new Param<>(this, "outputCol", "prefix of the output columns: <prefix>label, <prefix>score, <prefix>scores");
        includeScores = new BooleanParam(this, "includeScores", "also write <prefix>scores: a map label -> probability");
        batchSize = new IntParam(this, "batchSize", "texts per forward pass", ParamValidators.gtEq(1));
        maxLength = new IntParam(this, "maxLength", "tokens per input, special tokens included (default: the model's limit)", ParamValidators.gtEq(1));
        runtime = new Param<>(this, "runtime", "inference runtime: djl (libtorch) or onnx (ONNX Runtime)",
                ParamValidators.inArray(List.of(ScoringOptions.TORCH, ScoringOptions.ONNX)));
        truncationSide = new Param<>(this, "truncationSide",
                "where long texts are cut: right or left; empty (the default) is the side saved with the model (tokenizer_config.json), else right",
                ParamValidators.inArray(List.of("", "right", "left")));
        intraOpThreads = new IntParam(this, "intraOpThreads",
                "threads one task's forward pass uses (libtorch / ONNX Runtime intra-op); 0 (the default): spark.task.cpus, "
                        + "or in local[N] the cores divided among the N task threads", ParamValidators.gtEq(0));
        setDefault(inputCol, "text");
        setDefault(outputCol, "");
        setDefault(includeScores, false);
        setDefault(batchSize, 64);
        setDefault(runtime, ScoringOptions.TORCH);
        setDefault(truncationSide, "");
        setDefault(intraOpThreads, 0);
    }

    // ---- params (public no-argument methods returning Param: Spark's reflection finds them) -----------------

    public Param<String> modelPath() { return modelPath; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> textPairCol() { return textPairCol; }
    public Param<String> outputCol() { return outputCol; }
    public BooleanParam includeScores() { return includeScores; }
    public IntParam batchSize() { return batchSize; }
    public IntParam maxLength() { return maxLength; }
    public Param<String> runtime() { return runtime; }
    public Param<String> truncationSide() { return truncationSide; }
    public IntParam intraOpThreads() { return intraOpThreads; }

    public TextClassifierTransformer setModelPath(String value) { set(modelPath, value); return this; }
    public TextClassifierTransformer setInputCol(String value) { set(inputCol, value); return this; }
    public TextClassifierTransformer setTextPairCol(String value) { set(textPairCol, value); return this; }

    /** One column (texts) or two (texts and their pairs). */
    public TextClassifierTransformer setInputCols(String... columns) {
        if (columns.length < 1 || columns.length > 2) {
            throw new BadInputException("setInputCols takes one text column or two (text, text pair), got " + Arrays.toString(columns));
        }
        setInputCol(columns[0]);
        if (columns.length == 2) {
            setTextPairCol(columns[1]);
        } else {
            clear(textPairCol);
        }
        return this;
    }

    public TextClassifierTransformer setOutputCol(String prefix) { set(outputCol, prefix); return this; }
    public TextClassifierTransformer setIncludeScores(boolean value) { set(includeScores, value); return this; }
    public TextClassifierTransformer setBatchSize(int value) { set(batchSize, value); return this; }
    public TextClassifierTransformer setMaxLength(int value) { set(maxLength, value); return this; }
    public TextClassifierTransformer setRuntime(String value) { set(runtime, value); return this; }
    public TextClassifierTransformer setTruncationSide(String value) { set(truncationSide, value); return this; }
    public TextClassifierTransformer setIntraOpThreads(int value) { set(intraOpThreads, value); return this; }

    public String getModelPath() { return isDefined(modelPath) ? $(modelPath) : null; }
    public String getInputCol() { return $(inputCol); }
    public String getTextPairCol() { return isDefined(textPairCol) ? $(textPairCol) : null; }
    public String getOutputCol() { return $(outputCol); }
    public boolean getIncludeScores() { return (Boolean) $(includeScores); }
    public int getBatchSize() { return (Integer) $(batchSize); }
    public Integer getMaxLength() { return isDefined(maxLength) ? (Integer) $(maxLength) : null; }
    public String getRuntime() { return $(runtime); }
    public String getTruncationSide() { return $(truncationSide); }
    public int getIntraOpThreads() { return (Integer) $(intraOpThreads); }

    public String labelCol() { return getOutputCol() + "label"; }
    public String scoreCol() { return getOutputCol() + "score"; }
    public String scoresCol() { return getOutputCol() + "scores"; }

    // ---- Transformer -----------------------------------------------------------------------------------

    @Override
    public String uid() {
        return uid;
    }

    /**
     * Checks the input columns (present, string) and that the output columns are new; returns the
     * input schema with label, score (and scores) appended.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        requireStringColumn(schema, getInputCol(), "text", "setInputCol / --text_column_name");
        if (getTextPairCol() != null) {
            requireStringColumn(schema, getTextPairCol(), "text pair", "setTextPairCol / --text_pair_column_name");
        }
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        List<String> outputs = new ArrayList<>(List.of(labelCol(), scoreCol()));
        if (getIncludeScores()) {
            outputs.add(scoresCol());
        }
        for (String name : outputs) {
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new BadInputException("output column " + name + " already exists in the input; set another output prefix (setOutputCol / --output_prefix)");
            }
        }
        fields.add(DataTypes.createStructField(labelCol(), DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(scoreCol(), DataTypes.DoubleType, true));
        if (getIncludeScores()) {
            fields.add(DataTypes.createStructField(scoresCol(), DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true));
        }
        return DataTypes.createStructType(fields);
    }

    private static void requireStringColumn(StructType schema, String column, String what, String how) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new BadInputException("input has no column " + column + " (columns: " + String.join(", ", schema.fieldNames())
                    + "); name the " + what + " column with " + how);
        }
        DataType type = schema.apply(column).dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new BadInputException("column " + column + " is " + type.simpleString() + ", not string; the " + what
                    + " column must hold strings (cast it first)");
        }
    }

    /** The options an executor builds its pipeline from, for this session's settings. */
    public ScoringOptions scoringOptions(SparkSession spark) {
        return scoringOptions(spark.sparkContext().getConf());
    }

    /** The options an executor builds its pipeline from, for these Spark settings (spark.hadoop.*, master, task CPUs). */
    public ScoringOptions scoringOptions(SparkConf conf) {
        Map<String, String> hadoop = new TreeMap<>();
        for (Tuple2<String, String> kv : conf.getAllWithPrefix("spark.hadoop.")) {
            hadoop.put(kv._1(), kv._2());
        }
        int threads = getIntraOpThreads() > 0 ? getIntraOpThreads()
                : TaskThreads.perTask(conf, Runtime.getRuntime().availableProcessors());
        return new ScoringOptions(getModelPath(), getBatchSize(), getMaxLength(), getRuntime(), getTruncationSide(), threads, hadoop);
    }

    /**
     * Appends label and score columns. Everything the driver can check (columns, types, the model folder,
     * the runtime) is checked here, before a job runs; the scoring itself runs lazily when the result is used.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return transformCounting(dataset, null, null);
    }

    /** {@link #transform(Dataset)} that also counts scored rows and null/blank rows (accumulators may be null). */
    Dataset<Row> transformCounting(Dataset<?> dataset, LongAccumulator scored, LongAccumulator skipped) {
        StructType out = transformSchema(dataset.schema());
        ScoringOptions options = scoringOptions(dataset.sparkSession());
        if (!ModelRuntimes.available().contains(options.runtime())) {
            throw new BadInputException("runtime " + options.runtime() + " is not on the class path (available: "
                    + String.join(", ", ModelRuntimes.available()) + "); add finetune4j-onnx to the job's jars");
        }
        ModelLocation.checkReadable(options.modelPath(), options.hadoopConf());
        int textIndex = dataset.schema().fieldIndex(getInputCol());
        int pairIndex = getTextPairCol() == null ? -1 : dataset.schema().fieldIndex(getTextPairCol());
        ScorePartition fn = new ScorePartition(options, textIndex, pairIndex, getIncludeScores(), scored, skipped);
        return dataset.toDF().mapPartitions(fn, Encoders.row(out));
    }

    @Override
    public TextClassifierTransformer copy(ParamMap extra) {
        return (TextClassifierTransformer) defaultCopy(extra);
    }

    // ---- persistence -----------------------------------------------------------------------------------

    /** Spark's reader, found by Pipeline loading through this static method. */
    public static MLReader<TextClassifierTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static TextClassifierTransformer load(String path) {
        return read().load(path);
    }
}
