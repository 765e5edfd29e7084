package io.finetune4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.BadInputException;
import io.finetune4j.metrics.Metrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code finetune4j spark evaluate}: scores a labelled table with {@link TextClassifierTransformer} and computes
 * accuracy, precision, recall and F1 from a Spark aggregation (a group-by count of gold × predicted label: the
 * confusion matrix, the only thing collected to the driver). Gold labels are label ids (an integer column,
 * 0..num_labels-1, as HF data sets store them) or the model's label names (a string column; digits there, as CSV
 * gives them, count as ids). Rows with a null
 * or blank text or a null gold label are counted and left out. Two labels: the scores of label 1 (HF's
 * {@code average="binary"}, {@code pos_label=1}); more: the macro average.
 */
public final class SparkEvaluate {
    private static final String PREFIX = "__finetune4j_";

    /** What was asked; {@code partitions} as {@link SparkPredict.Request}'s. */
    public record Request(String model, String input, String inputFormat, String textColumn, String textPairColumn, String labelColumn,
                          String runtime, int batchSize, Integer maxLength, Integer partitions) {}

    /** The metrics; {@code confusion[gold][predicted]}, in label id order. */
    public record Result(long rows, long evaluated, long skipped, List<String> labels, long[][] confusion, double accuracy,
                         String average, double precision, double recall, double f1, double seconds) {
        /** The metrics as JSON-ready values (HF evaluate's names; confusion_matrix[gold][predicted]). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("accuracy", accuracy);
            m.put("precision", precision);
            m.put("recall", recall);
            m.put("f1", f1);
            m.put("average", average);
            m.put("rows", rows);
            m.put("evaluated", evaluated);
            m.put("skipped", skipped);
            m.put("labels", labels);
            List<List<Long>> cm = new ArrayList<>();
            for (long[] row : confusion) {
                cm.add(Arrays.stream(row).boxed().toList());
            }
            m.put("confusion_matrix", cm);
            m.put("seconds", seconds);
            return m;
        }
    }

    private SparkEvaluate() {}

    /** The scoring part of an evaluation, as a {@link SparkPredict.Request} (for {@link SparkPredict#preload}). */
    public static SparkPredict.Request scoring(Request r) {
        return new SparkPredict.Request(r.model(), r.input(), r.inputFormat(), r.textColumn(), r.textPairColumn(), null, null,
                r.runtime(), r.batchSize(), r.maxLength(), PREFIX, false, false, r.partitions());
    }

    public static Result run(SparkSession spark, Request r) {
        long start = System.nanoTime();
        String format = SparkPredict.format(r.inputFormat(), r.input(), "--input_format");
        SparkPredict.requireInput(spark, r.input(), format);
        TextClassifierTransformer classifier = SparkPredict.classifier(scoring(r));
        Dataset<Row> table = SparkPredict.read(spark, format, r.input());
        if (!Arrays.asList(table.schema().fieldNames()).contains(r.labelColumn())) {
            throw new BadInputException("input has no column " + r.labelColumn() + " (columns: " + String.join(", ", table.schema().fieldNames())
                    + "); name the gold label column with --label_column_name");
        }
        DataType type = table.schema().apply(r.labelColumn()).dataType();
        boolean ids = type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType)
                || type.equals(DataTypes.ByteType);
        if (!ids && !type.equals(DataTypes.StringType)) {
            throw new BadInputException("column " + r.labelColumn() + " is " + type.simpleString()
                    + "; gold labels must be label ids (integers) or label names (strings)");
        }
        classifier.transformSchema(table.schema());
        ScoringOptions options = classifier.scoringOptions(spark);
        ModelLocation.checkReadable(options.modelPath(), options.hadoopConf());
        List<String> labels = labels(options);
        table = SparkPredict.spread(table, r.partitions(), SparkPredict.scoringPartitions(spark, table, r.partitions()));
        LongAccumulator scored = spark.sparkContext().longAccumulator("finetune4j.evaluate.scored");
        LongAccumulator skipped = spark.sparkContext().longAccumulator("finetune4j.evaluate.skipped");
        Dataset<Row> labelled = classifier.transformCounting(table, scored, skipped);
        List<Row> counts;
        try {
            counts = labelled.groupBy(functions.col(r.labelColumn()).as("gold"), functions.col(classifier.labelCol()).as("predicted"))
                    .count().collectAsList();
        } catch (Exception e) { // a failed job is a SparkException: checked, though Scala does not declare it
            BadInputException bad = SparkPredict.badInputCause(e);
            if (bad != null) {
                throw new BadInputException(bad.getMessage(), e);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("the Spark job failed: " + e.getMessage(), e);
        }
        int n = labels.size();
        long[][] confusion = new long[n][n];
        long rows = 0;
        long left = 0;
        for (Row row : counts) {
            long c = row.getLong(2);
            rows += c;
            if (row.isNullAt(0) || row.isNullAt(1)) {
                left += c;
                continue;
            }
            int gold = ids ? goldId(((Number) row.get(0)).longValue(), n, r.labelColumn()) : goldName(row.getString(0), labels, r.labelColumn());
            confusion[gold][labels.indexOf(row.getString(1))] += c;
        }
        long evaluated = rows - left;
        if (evaluated == 0) {
            throw new BadInputException("no row of --input " + r.input() + " has both a text and a gold label; nothing to evaluate");
        }
        Metrics.Classification scores = Metrics.classification(confusion);
        Metrics.PrecisionRecallF1 prf = scores.scores();
        return new Result(rows, evaluated, left, labels, confusion, scores.accuracy(), scores.average(), prf.precision(), prf.recall(),
                prf.f1(), (System.nanoTime() - start) / 1e9);
    }

    private static int goldId(long id, int n, String column) {
        if (id < 0 || id >= n) {
            throw new BadInputException("column " + column + " holds label id " + id + ", outside the model's 0.." + (n - 1)
                    + "; give ids the model was trained with, or label names");
        }
        return (int) id;
    }

    /** A label name, or an id written as text (a CSV column, read as strings). */
    private static int goldName(String name, List<String> labels, String column) {
        int i = labels.indexOf(name);
        if (i < 0 && name.strip().matches("-?\\d{1,9}")) {
            return goldId(Integer.parseInt(name.strip()), labels.size(), column);
        }
        if (i < 0) {
            throw new BadInputException("column " + column + " holds label '" + name + "', which is not one of the model's labels " + labels
                    + "; give label ids or those names");
        }
        return i;
    }

    /** The model's label names in id order, from its config.json's id2label (LABEL_i where missing), as the pipeline names them. */
    static List<String> labels(ScoringOptions options) {
        JsonNode config;
        try {
            String text;
            if (ModelLocation.isRemote(options.modelPath())) {
                Path file = new Path(options.modelPath(), "config.json");
                FileSystem fs = file.getFileSystem(ModelLocation.configuration(options.hadoopConf()));
                try (var in = fs.open(file)) {
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
            } else {
                text = java.nio.file.Files.readString(ModelLocation.localFolder(options.modelPath(), options.hadoopConf()).resolve("config.json"));
            }
            config = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new BadInputException("cannot read config.json of model folder " + options.modelPath() + ": " + e.getMessage(), e);
        }
        JsonNode id2label = config.path("id2label");
        int n = id2label.isObject() && id2label.size() > 0 ? id2label.size() : config.path("num_labels").asInt(2);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonNode name = id2label.get(String.valueOf(i));
            out.add(name == null ? "LABEL_" + i : name.asText());
        }
        return List.copyOf(out);
    }
}
