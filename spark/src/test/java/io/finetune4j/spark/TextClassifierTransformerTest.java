package io.finetune4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.SparkTinyModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.pipeline.TextPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer on a real local[2] SparkSession and a tiny random BERT, against the single-JVM pipeline. */
class TextClassifierTransformerTest {
    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.IntegerType, false),
            DataTypes.createStructField("text", DataTypes.StringType, true)));

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path model;
    static List<String> texts;
    static List<List<LabelScore>> expected;

    @BeforeAll
    static void setUp() throws Exception {
        model = SparkTinyModels.classifier(tmp, 3);
        texts = SparkTinyModels.texts(240, 17);
        try (TextClassificationPipeline single = TextClassificationPipeline.builder().model(model).topK(0).build()) {
            expected = single.classify(texts, 0);
        }
        SharedPipelines.closeAll();
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void tearDown() {
        SharedPipelines.closeAll();
        if (spark != null) {
            spark.stop();
        }
    }

    private static Dataset<Row> table(List<String> values, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            rows.add(RowFactory.create(i, values.get(i)));
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    private static TextClassifierTransformer classifier() {
        return new TextClassifierTransformer().setModelPath(model.toString()).setInputCol("text").setBatchSize(16);
    }

    @Test
    void scoresEveryRowAsTheSingleJvmPipelineDoesAndLoadsTheModelOncePerJvm() {
        List<Row> out = classifier().setIncludeScores(true).transform(table(texts, 6)).orderBy("id").collectAsList();
        assertEquals(240, out.size());
        for (Row row : out) {
            int id = row.getInt(0);
            assertEquals(texts.get(id), row.getString(1), "input columns are kept");
            List<LabelScore> want = expected.get(id);
            assertEquals(want.get(0).label(), row.getString(2), "label of row " + id);
            assertEquals(want.get(0).score(), row.getDouble(3), 1e-6, "score of row " + id);
            Map<String, Object> scores = row.getJavaMap(4);
            assertEquals(3, scores.size());
            for (LabelScore s : want) {
                assertEquals(s.score(), (Double) scores.get(s.label()), 1e-6);
            }
        }
        // Six partitions ran on two task threads of one executor JVM (local mode): one load, seen from the tasks too.
        ScoringOptions options = classifier().scoringOptions(spark);
        assertEquals(TaskThreads.perTask("local[2]", 1, Runtime.getRuntime().availableProcessors()), options.intraOpThreads(),
                "one intra-op thread per task CPU: the two task threads do not oversubscribe the cores");
        assertEquals(1, SharedPipelines.loads(options));
        List<Integer> seen = table(texts, 6).mapPartitions(
                (MapPartitionsFunction<Row, Integer>) it -> List.of(SharedPipelines.loads(options)).iterator(), Encoders.INT()).collectAsList();
        assertEquals(List.of(1, 1, 1, 1, 1, 1), seen);
    }

    @Test
    void nullAndBlankTextsGetNullLabelsAndTheOthersAreScored() {
        List<String> values = new ArrayList<>(Arrays.asList(texts.get(0), null, "", "   ", texts.get(4)));
        List<Row> out = classifier().transform(table(values, 2)).orderBy("id").collectAsList();
        assertEquals(expected.get(0).get(0).label(), out.get(0).getString(2));
        for (int i = 1; i <= 3; i++) {
            assertTrue(out.get(i).isNullAt(2), "row " + i + " label");
            assertTrue(out.get(i).isNullAt(3), "row " + i + " score");
        }
        assertEquals(expected.get(4).get(0).score(), out.get(4).getDouble(3), 1e-6);
    }

    @Test
    void onnxRuntimeScoresAsTheSingleJvmOnnxPipeline() {
        Path onnx = tmp.resolve("onnx-export");
        io.finetune4j.onnx.OnnxExporter.export(model, onnx, io.finetune4j.onnx.OnnxExporter.Options.defaults());
        List<String> some = texts.subList(0, 60);
        List<List<LabelScore>> want;
        try (TextClassificationPipeline single = TextClassificationPipeline.builder().model(onnx).runtime("onnx").build()) {
            want = single.classify(some, 1);
        }
        List<Row> out = classifier().setModelPath(onnx.toString()).setRuntime("onnx").transform(table(some, 2)).orderBy("id").collectAsList();
        for (int i = 0; i < some.size(); i++) {
            assertEquals(want.get(i).get(0).label(), out.get(i).getString(2), "row " + i);
            assertEquals(want.get(i).get(0).score(), out.get(i).getDouble(3), 1e-6, "row " + i);
            assertEquals(expected.get(i).get(0).score(), out.get(i).getDouble(3), 1e-4, "ONNX vs DJL, row " + i);
        }
    }

    @Test
    void textPairsMatchThePipelinesPairScores() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.IntegerType, false),
                DataTypes.createStructField("premise", DataTypes.StringType, true),
                DataTypes.createStructField("hypothesis", DataTypes.StringType, true)));
        List<Row> rows = new ArrayList<>();
        List<TextPair> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String a = texts.get(i);
            String b = texts.get(239 - i);
            rows.add(RowFactory.create(i, a, b));
            pairs.add(new TextPair(a, b));
        }
        rows.add(RowFactory.create(200, texts.get(0), null)); // no pair: null label
        List<List<LabelScore>> want;
        try (TextClassificationPipeline single = TextClassificationPipeline.builder().model(model).maxLength(48).build()) {
            want = single.classifyPairs(pairs, 0);
        }
        List<Row> out = classifier().setInputCols("premise", "hypothesis").setMaxLength(48)
                .transform(spark.createDataFrame(rows, schema).repartition(3)).orderBy("id").collectAsList();
        assertEquals(201, out.size());
        for (int i = 0; i < 200; i++) {
            assertEquals(want.get(i).get(0).label(), out.get(i).getString(3), "pair " + i);
            assertEquals(want.get(i).get(0).score(), out.get(i).getDouble(4), 1e-6, "pair " + i);
        }
        assertTrue(out.get(200).isNullAt(3));
    }

    @Test
    void sparkPredictsPreloadIsTheJobsOneLoadAndABadModelLeavesTheErrorToTheJob() throws Exception {
        SharedPipelines.closeAll();
        Path in = tmp.resolve("preload-in.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("{\"id\":").append(i).append(",\"text\":").append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(texts.get(i))).append("}\n");
        }
        Files.writeString(in, sb.toString());
        SparkPredict.Request r = new SparkPredict.Request(model.toString(), in.toString(), null, "text", null, tmp.resolve("preload-out").toString(),
                "json", "torch", 16, null, "p_", false, false, null);
        // The CLI preloads from the SparkConf it builds the session from, before the context adds settings of its own.
        SparkPredict.preload(new org.apache.spark.SparkConf(false).setMaster("local[2]"), r).join();
        ScoringOptions options = SparkPredict.classifier(r).scoringOptions(spark);
        assertEquals(1, SharedPipelines.loads(options), "loaded ahead of the job, with the job's options");
        SparkPredict.Summary s = SparkPredict.run(spark, r);
        assertEquals(40, s.scored());
        assertEquals(2, s.partitions(), "one small file, spread over local[2]'s two task slots");
        assertEquals(1, SharedPipelines.loads(options), "the job used the preloaded pipeline");
        assertEquals(1, SharedPipelines.loads());
        List<Row> out = spark.read().json(tmp.resolve("preload-out").toString()).orderBy("id").collectAsList();
        for (Row row : out) {
            int id = (int) row.getLong(row.fieldIndex("id"));
            assertEquals(expected.get(id).get(0).score(), row.getDouble(row.fieldIndex("p_score")), 1e-6, "row " + id);
        }

        SparkPredict.Request bad = new SparkPredict.Request(tmp.resolve("no-such-model").toString(), in.toString(), null, "text", null,
                tmp.resolve("never").toString(), "json", "torch", 16, null, "", false, false, null);
        SparkPredict.preload(spark.sparkContext().getConf(), bad).join(); // completes: the job's own check reports the folder
        BadInputException e = assertThrows(BadInputException.class, () -> SparkPredict.run(spark, bad));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(1, SharedPipelines.loads());
    }

    @Test
    void sparkEvaluateGivesTheSingleJvmPipelinesMetricsFromIdsOrNames() throws Exception {
        List<String> labels;
        try (TextClassificationPipeline single = TextClassificationPipeline.builder().model(model).build()) {
            labels = single.labels();
        }
        int n = 90;
        int[] gold = new int[n];
        int[] predicted = new int[n];
        StringBuilder ids = new StringBuilder();
        StringBuilder names = new StringBuilder();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < n; i++) {
            gold[i] = (i * 7) % 3;
            predicted[i] = labels.indexOf(expected.get(i).get(0).label());
            String text = json.writeValueAsString(texts.get(i));
            ids.append("{\"text\":").append(text).append(",\"label\":").append(gold[i]).append("}\n");
            names.append("{\"text\":").append(text).append(",\"gold\":\"").append(labels.get(gold[i])).append("\"}\n");
        }
        ids.append("{\"text\":\"no label\"}\n{\"label\":1}\n"); // left out: a null label, a null text
        Path byId = Files.writeString(tmp.resolve("eval-ids.jsonl"), ids.toString());
        Path byName = Files.writeString(tmp.resolve("eval-names.jsonl"), names.toString());

        SparkEvaluate.Result r = SparkEvaluate.run(spark, new SparkEvaluate.Request(model.toString(), byId.toString(), null, "text", null,
                "label", "torch", 16, null, null));
        io.finetune4j.metrics.Metrics.PrecisionRecallF1 want = io.finetune4j.metrics.Metrics.macro(predicted, gold, 3);
        assertEquals(n + 2, r.rows());
        assertEquals(n, r.evaluated());
        assertEquals(2, r.skipped());
        assertEquals(labels, r.labels());
        assertEquals("macro", r.average());
        assertEquals(io.finetune4j.metrics.Metrics.accuracy(predicted, gold), r.accuracy(), 1e-12);
        assertEquals(want.precision(), r.precision(), 1e-12);
        assertEquals(want.recall(), r.recall(), 1e-12);
        assertEquals(want.f1(), r.f1(), 1e-12);
        assertTrue(Arrays.deepEquals(io.finetune4j.metrics.Metrics.confusionMatrix(predicted, gold, 3), r.confusion()),
                Arrays.deepToString(r.confusion()));

        SparkEvaluate.Result byNames = SparkEvaluate.run(spark, new SparkEvaluate.Request(model.toString(), byName.toString(), null, "text",
                null, "gold", "torch", 16, null, null));
        assertEquals(r.accuracy(), byNames.accuracy(), 1e-12);
        assertEquals(r.f1(), byNames.f1(), 1e-12);
        assertEquals(n, byNames.evaluated());

        Path bad = Files.writeString(tmp.resolve("eval-bad.jsonl"), "{\"text\":\"a\",\"label\":7}\n");
        BadInputException e = assertThrows(BadInputException.class, () -> SparkEvaluate.run(spark, new SparkEvaluate.Request(model.toString(),
                bad.toString(), null, "text", null, "label", "torch", 16, null, null)));
        assertTrue(e.getMessage().startsWith("column label holds label id 7, outside the model's 0..2"), e.getMessage());
        BadInputException missing = assertThrows(BadInputException.class, () -> SparkEvaluate.run(spark, new SparkEvaluate.Request(
                model.toString(), byName.toString(), null, "text", null, "label", "torch", 16, null, null)));
        assertTrue(missing.getMessage().startsWith("input has no column label (columns: gold, text)"), missing.getMessage());
    }

    @Test
    void outputPrefixNamesTheColumns() {
        Dataset<Row> out = classifier().setOutputCol("predicted_").transform(table(texts.subList(0, 5), 1));
        assertEquals(List.of("id", "text", "predicted_label", "predicted_score"), Arrays.asList(out.columns()));
    }

    @Test
    void badInputFailsOnTheDriverWithOneLine() {
        Dataset<Row> t = table(texts.subList(0, 3), 1);
        BadInputException missing = assertThrows(BadInputException.class, () -> classifier().setInputCol("review").transform(t));
        assertTrue(missing.getMessage().startsWith("input has no column review (columns: id, text)"), missing.getMessage());
        BadInputException notString = assertThrows(BadInputException.class, () -> classifier().setInputCol("id").transform(t));
        assertTrue(notString.getMessage().contains("column id is int, not string"), notString.getMessage());
        BadInputException noModel = assertThrows(BadInputException.class,
                () -> classifier().setModelPath(tmp.resolve("nowhere").toString()).transform(t));
        assertTrue(noModel.getMessage().contains("does not exist"), noModel.getMessage());
        BadInputException clash = assertThrows(BadInputException.class, () -> classifier().setOutputCol("").transform(t.withColumnRenamed("id", "label")));
        assertTrue(clash.getMessage().contains("output column label already exists"), clash.getMessage());
        BadInputException pairs = assertThrows(BadInputException.class, () -> classifier().setTextPairCol("hypothesis").transform(t));
        assertTrue(pairs.getMessage().startsWith("input has no column hypothesis"), pairs.getMessage());
        for (BadInputException e : List.of(missing, notString, noModel, clash, pairs)) {
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void unreadableModelFolderFailsBeforeAnyJob() throws Exception {
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.copy(model.resolve("vocab.txt"), broken.resolve("vocab.txt"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> classifier().setModelPath(broken.toString()).transform(table(texts.subList(0, 3), 1)));
        assertTrue(e.getMessage().contains("has no readable config.json"), e.getMessage());
    }

    @Test
    void savedAloneAndInsideAPipelineAndLoadedBack() throws Exception {
        TextClassifierTransformer c = classifier().setOutputCol("p_").setMaxLength(32).setIncludeScores(true).setIntraOpThreads(3);
        String alone = tmp.resolve("transformer").toString();
        c.write().overwrite().save(alone);
        TextClassifierTransformer back = TextClassifierTransformer.load(alone);
        assertEquals(c.uid(), back.uid());
        assertEquals(model.toString(), back.getModelPath());
        assertEquals("p_", back.getOutputCol());
        assertEquals(32, back.getMaxLength());
        assertEquals(16, back.getBatchSize());
        assertTrue(back.getIncludeScores());
        assertEquals(3, back.getIntraOpThreads());
        assertEquals(3, back.scoringOptions(spark).intraOpThreads());

        Dataset<Row> t = table(texts.subList(0, 20), 2);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {classifier().setOutputCol("p_")}).fit(t);
        String saved = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        assertTrue(loaded.stages()[0] instanceof TextClassifierTransformer);
        List<Row> a = fitted.transform(t).orderBy("id").collectAsList();
        List<Row> b = loaded.transform(t).orderBy("id").collectAsList();
        assertEquals(a, b);
        assertEquals(expected.get(a.get(0).getInt(0)).get(0).label(), a.get(0).getString(2));
        assertNull(back.getTextPairCol());
    }
}
