package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.SparkTinyModels;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.spark.SharedPipelines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune4j spark predict} in-process on one real local[2] session for the class (the command uses a
 * session already running and leaves it running): CSV in, JSON lines out, against the single-JVM pipeline.
 */
class SparkPredictCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Path model;
    static Path csv;
    static List<String> texts;
    static List<List<LabelScore>> expected;

    @BeforeAll
    static void setUp() throws Exception {
        model = SparkTinyModels.classifier(tmp, 2);
        texts = new ArrayList<>(SparkTinyModels.texts(210, 5));
        texts.set(3, "a \"quoted\", comma text");
        try (TextClassificationPipeline single = TextClassificationPipeline.builder().model(model).build()) {
            expected = single.classify(texts, 1);
        }
        StringBuilder sb = new StringBuilder("id,text,source\n");
        for (int i = 0; i < texts.size(); i++) {
            sb.append(i).append(',').append(PredictCommand.csvField(texts.get(i))).append(",s").append(i % 3).append('\n');
        }
        sb.append(texts.size()).append(",,empty\n"); // a row without text: null label, the job goes on
        csv = tmp.resolve("reviews.csv");
        Files.writeString(csv, sb.toString());
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString()).getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        SharedPipelines.closeAll();
        if (spark != null) {
            spark.stop();
        }
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private static List<JsonNode> readJsonLines(Path folder) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        rows.sort((a, b) -> Integer.compare(a.get("id").asInt(), b.get("id").asInt()));
        return rows;
    }

    @Test
    void labelsEveryRowKeepsTheColumnsAndMatchesTheSingleJvmPipeline() throws Exception {
        Path out = tmp.resolve("scored");
        String[] r = run("spark", "predict", "--model", model.toString(), "--input", csv.toString(), "--text_column_name", "text",
                "--output", out.toString(), "--output_format", "json", "--batch_size", "16");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("wrote 211 rows (210 scored, 1 with a null or blank text)"), r[1]);
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        List<JsonNode> rows = readJsonLines(out);
        assertEquals(211, rows.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode row = rows.get(i);
            assertEquals(texts.get(i), row.get("text").asText());
            assertEquals("s" + (i % 3), row.get("source").asText());
            assertEquals(expected.get(i).get(0).label(), row.get("label").asText(), "row " + i);
            assertEquals(expected.get(i).get(0).score(), row.get("score").asDouble(), 1e-6, "row " + i);
        }
        JsonNode empty = rows.get(texts.size());
        assertFalse(empty.has("label"), "null label (Spark's JSON writer leaves nulls out): " + empty);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".scored.finetune4j-")), "no staging folder left");
        }

        // The output exists now: an error without --overwrite, replaced with it.
        String[] again = run("spark", "predict", "--model", model.toString(), "--input", csv.toString(), "--output", out.toString(),
                "--output_format", "json");
        assertEquals("2", again[0]);
        assertEquals("error: --output " + out + " already exists; remove it or pass --overwrite", again[2].strip());
        String[] replaced = run("spark", "predict", "--model", model.toString(), "--input", csv.toString(), "--output", out.toString(),
                "--output_format", "csv", "--output_prefix", "predicted_", "--overwrite");
        assertEquals("0", replaced[0], replaced[2]);
        try (Stream<Path> parts = Files.list(out)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".csv")).findFirst().orElseThrow();
            assertTrue(Files.readAllLines(part).get(0).equals("id,text,source,predicted_label,predicted_score"));
        }
    }

    @Test
    void badInputIsOneLineExitTwoAndNoOutput() throws Exception {
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"--input", tmp.resolve("missing.csv").toString(), "--model", model.toString()},
            {"--input", csv.toString(), "--model", model.toString(), "--text_column_name", "review"},
            {"--input", csv.toString(), "--model", model.toString(), "--text_column_name", "id", "--input_format", "json"},
            {"--input", csv.toString(), "--model", tmp.resolve("no-model").toString()},
            {"--input", csv.toString(), "--model", model.toString(), "--input_format", "avro"},
            {"--input", csv.toString(), "--model", model.toString(), "--text_pair_column_name", "hypothesis"},
            {"--input", csv.toString(), "--model", model.toString(), "--partitions", "-1"},
        };
        String[] messages = {
            "does not exist; give a csv file or folder",
            "input has no column review (columns: id, text, source)",
            "input has no column id (columns: _corrupt_record)",
            "no-model does not exist",
            "--input_format avro is not one of parquet, json, csv",
            "input has no column hypothesis (columns: id, text, source); name the text pair column",
            "--partitions must be >= 0 (0: keep the input's partitioning), got -1",
        };
        for (int c = 0; c < cases.length; c++) {
            List<String> args = new ArrayList<>(List.of("spark", "predict", "--output", out.toString()));
            args.addAll(List.of(cases[c]));
            String[] r = run(args.toArray(String[]::new));
            assertEquals("2", r[0], String.join(" ", cases[c]) + ": " + r[2]);
            assertEquals(1, r[2].strip().lines().count(), r[2]);
            assertTrue(r[2].contains(messages[c]), r[2]);
            assertFalse(Files.exists(out));
        }
    }

    /** Rows of each non-empty part file of a JSON-lines output folder, by file. */
    private static List<List<JsonNode>> partsOf(Path folder) throws Exception {
        List<List<JsonNode>> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                List<JsonNode> rows = new ArrayList<>();
                for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                    rows.add(JSON.readTree(line));
                }
                if (!rows.isEmpty()) {
                    parts.add(rows);
                }
            }
        }
        return parts;
    }

    @Test
    void aOnePartitionInputIsSpreadOverTheTaskSlotsUnlessPartitionsIsZero() throws Exception {
        // One small CSV file is one partition as read: scored as is, one of local[2]'s two task slots would idle.
        assertEquals(1, readCsv(csv).rdd().getNumPartitions());
        Path spread = tmp.resolve("spread");
        String[] r = run("spark", "predict", "--model", model.toString(), "--input", csv.toString(), "--output", spread.toString(),
                "--output_format", "json", "--batch_size", "16");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("; 2 partitions; Spark session start "), r[1]);
        List<List<JsonNode>> parts = partsOf(spread);
        assertEquals(2, parts.size(), "two scoring tasks, each wrote rows");
        int total = parts.stream().mapToInt(List::size).sum();
        assertEquals(211, total);
        for (List<JsonNode> part : parts) {
            assertTrue(Math.abs(part.size() - total / 2.0) <= 1, "round-robin: " + part.size() + " of " + total);
        }
        List<JsonNode> rows = readJsonLines(spread);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(expected.get(i).get(0).score(), rows.get(i).get("score").asDouble(), 1e-6, "row " + i);
        }

        Path kept = tmp.resolve("kept");
        String[] k = run("spark", "predict", "--model", model.toString(), "--input", csv.toString(), "--output", kept.toString(),
                "--output_format", "json", "--partitions", "0");
        assertEquals("0", k[0], k[2]);
        assertTrue(k[1].contains("; 1 partitions;"), k[1]);
        List<List<JsonNode>> one = partsOf(kept);
        assertEquals(1, one.size());
        for (int i = 0; i < one.get(0).size(); i++) {
            assertEquals(i, one.get(0).get(i).get("id").asInt(), "no shuffle: the input's order");
        }
    }

    private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> readCsv(Path file) {
        return spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(file.toString());
    }

    @Test
    void sparkEvaluatePrintsTheSingleJvmPipelinesAccuracyAndF1() throws Exception {
        List<String> labels;
        try (TextClassificationPipeline single = TextClassificationPipeline.builder().model(model).build()) {
            labels = single.labels();
        }
        int n = 120;
        int[] gold = new int[n];
        int[] predicted = new int[n];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            gold[i] = (i / 2) % 2;
            predicted[i] = labels.indexOf(expected.get(i).get(0).label());
            sb.append("{\"review\":").append(JSON.writeValueAsString(texts.get(i))).append(",\"sentiment\":").append(gold[i]).append("}\n");
        }
        Path in = Files.writeString(tmp.resolve("labelled.jsonl"), sb.toString());
        String[] r = run("spark", "evaluate", "--model", model.toString(), "--input", in.toString(), "--text_column_name", "review",
                "--label_column_name", "sentiment", "--batch_size", "16", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode m = JSON.readTree(r[1]);
        io.finetune4j.metrics.Metrics.PrecisionRecallF1 want = io.finetune4j.metrics.Metrics.binary(predicted, gold, 1);
        assertEquals(io.finetune4j.metrics.Metrics.accuracy(predicted, gold), m.get("accuracy").asDouble(), 1e-12);
        assertEquals(want.f1(), m.get("f1").asDouble(), 1e-12);
        assertEquals("binary", m.get("average").asText());
        assertEquals(n, m.get("evaluated").asLong());

        String[] plain = run("spark", "evaluate", "--model", model.toString(), "--input", in.toString(), "--text_column_name", "review",
                "--label_column_name", "sentiment");
        assertEquals("0", plain[0], plain[2]);
        assertTrue(plain[1].startsWith("accuracy "), plain[1]);
        String[] missing = run("spark", "evaluate", "--model", model.toString(), "--input", in.toString(), "--text_column_name", "review");
        assertEquals("2", missing[0]);
        assertEquals("error: input has no column label (columns: review, sentiment); name the gold label column with --label_column_name",
                missing[2].strip());
    }

    @Test
    void aJobThatFailsOnTheExecutorsLeavesNoOutput() throws Exception {
        Path broken = Files.createDirectories(tmp.resolve("broken-model"));
        for (String f : List.of("vocab.txt", "tokenizer.json", "tokenizer_config.json")) {
            if (Files.exists(model.resolve(f))) {
                Files.copy(model.resolve(f), broken.resolve(f));
            }
        }
        Files.writeString(broken.resolve("config.json"), "{\"model_type\": \"bert\"}"); // readable, but no weights
        Path out = tmp.resolve("failed");
        String[] r = run("spark", "predict", "--model", broken.toString(), "--input", csv.toString(), "--output", out.toString());
        assertTrue(!r[0].equals("0"), r[1] + r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertFalse(Files.exists(out), "no partial output");
        try (Stream<Path> siblings = Files.list(tmp)) {
            List<String> left = siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".failed.finetune4j-")).toList();
            assertTrue(left.isEmpty(), "no staging folder left: " + left + "; " + r[2]);
        }
    }
}
