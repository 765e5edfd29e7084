package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.pipeline.Classification;
import io.finetune4j.pipeline.ClassifyOptions;
import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.torch.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * problem_type end to end, as HF's run_classification.py infers it from the label column: a JSONL file whose labels
 * are lists of topic names trains a multi-label model (BCE with logits, sigmoid scores), a parquet file of float
 * scores a regression model (MSE, one output, raw scores); each goes train → config.json → evaluate → predict and
 * the pipeline. A tiny random BERT with the real vocabulary learns both in a few steps.
 */
class ProblemTypesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[][] TOPICS = {
            {"goal", "match", "team", "coach", "stadium"},
            {"song", "band", "guitar", "album", "concert"},
            {"pizza", "pasta", "bread", "cheese", "soup"}};
    static final String[] TOPIC_NAMES = {"sports", "music", "food"};
    static final String[] FILLER = {"the", "a", "and", "was", "about", "today", "with"};
    static final String[] UP = {"great", "good", "lovely", "wonderful"};
    static final String[] DOWN = {"bad", "awful", "poor", "terrible"};
    static Path model;
    static Path multi;
    static Path regression;
    static double testVariance;

    @BeforeAll
    static void data() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        // A body without a classification head (as bert-base-uncased is): the new head gets each problem's size. 64 wide,
        // 4 heads: BertConfig.tiny()'s 32 wide, 2 heads learned only one of the three topics in these few steps.
        model = Files.createDirectories(TrainCommandTest.dir.resolve("tiny-bert-mlm"));
        io.finetune4j.models.bert.BertConfig config = new io.finetune4j.models.bert.BertConfig(30522, 64, 2, 4, 128, "gelu", 0.0, 0.0, 64, 2, 0.02, 1e-12, 0,
                "absolute", null, io.finetune4j.models.bert.BertConfig.defaultLabels(2), null, null, null, java.util.Map.of());
        try (io.finetune4j.models.bert.BertForMaskedLM m = io.finetune4j.models.bert.BertForMaskedLM.random(config, 1, Device.cpu())) {
            m.savePretrained(model);
        }
        try (var files = Files.list(TrainCommandTest.model)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("config.json")
                    && !f.getFileName().toString().endsWith(".safetensors")).toList()) {
                Files.copy(f, model.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        multi = Files.createDirectories(TrainCommandTest.dir.resolve("topics"));
        Files.writeString(multi.resolve("train.jsonl"), topics(320, new Random(21)));
        Files.writeString(multi.resolve("test.jsonl"), topics(80, new Random(22)));
        regression = Files.createDirectories(TrainCommandTest.dir.resolve("scores"));
        scores(regression.resolve("train.parquet"), 240, new Random(31));
        testVariance = scores(regression.resolve("test.parquet"), 80, new Random(32));
    }

    /** Rows naming one to three topics by their words; the label is the list of topic names (a JSON array). */
    static String topics(int n, Random random) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int mask = 1 + random.nextInt(7);
            List<String> words = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                if ((mask & (1 << t)) != 0) {
                    names.add("\"" + TOPIC_NAMES[t] + "\"");
                    words.add(TOPICS[t][random.nextInt(5)]);
                    words.add(TOPICS[t][random.nextInt(5)]);
                }
            }
            while (words.size() < 4) {
                words.add(FILLER[random.nextInt(FILLER.length)]);
            }
            java.util.Collections.shuffle(words, random);
            sb.append("{\"text\": \"").append(String.join(" ", words)).append("\", \"label\": [").append(String.join(", ", names)).append("]}\n");
        }
        return sb.toString();
    }

    /** Rows with 0–3 good and 0–3 bad words; the label is (good - bad) / 2 as a DOUBLE. Returns the labels' variance. */
    static double scores(Path file, int n, Random random) throws Exception {
        double sum = 0;
        double sq = 0;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE rows (text VARCHAR, label DOUBLE)");
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO rows VALUES (?, ?)")) {
                for (int i = 0; i < n; i++) {
                    int up = random.nextInt(4);
                    int down = random.nextInt(4);
                    List<String> words = new ArrayList<>();
                    for (int k = 0; k < up; k++) words.add(UP[random.nextInt(UP.length)]);
                    for (int k = 0; k < down; k++) words.add(DOWN[random.nextInt(DOWN.length)]);
                    while (words.size() < 7) words.add(FILLER[random.nextInt(FILLER.length)]);
                    java.util.Collections.shuffle(words, random);
                    double y = (up - down) / 2.0;
                    sum += y;
                    sq += y * y;
                    insert.setString(1, String.join(" ", words));
                    insert.setDouble(2, y);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (Statement s = db.createStatement()) {
                s.execute("COPY rows TO '" + file + "' (FORMAT parquet)");
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }

    static Path config(String name, Path data, String... extra) throws Exception {
        return config(name, data, 4, extra);
    }

    static Path config(String name, Path data, int epochs, String... extra) throws Exception {
        Path out = TrainCommandTest.dir.resolve(name + "-run");
        Path config = TrainCommandTest.dir.resolve(name + ".yaml");
        List<String> lines = new ArrayList<>(List.of(
                "model_name_or_path: " + model,
                "dataset_name: " + data,
                "max_seq_length: 16",
                "pad_to_max_length: false",
                "output_dir: " + out,
                "overwrite_output_dir: true",
                "num_train_epochs: " + epochs,
                "per_device_train_batch_size: 16",
                "eval_strategy: epoch",
                "save_strategy: \"no\"",
                "logging_steps: 5",
                "disable_tqdm: true"));
        lines.addAll(List.of(extra));
        if (lines.stream().noneMatch(l -> l.startsWith("learning_rate:"))) {
            lines.add("learning_rate: 2.0e-3");
        }
        Files.writeString(config, String.join("\n", lines) + "\n");
        return config;
    }

    /** Trains the config {@link #config} wrote for {@code name}; returns the run folder. Asserts exit 0 and a falling loss. */
    static Path train(String name, Path data, int epochs, List<JsonNode> evals, String... extra) throws Exception {
        MainTest.Result r = MainTest.run("train", "--config", config(name, data, epochs, extra).toString(), "--seed", "5");
        assertEquals(0, r.code(), r.err());
        Path out = TrainCommandTest.dir.resolve(name + "-run");
        JsonNode state = JSON.readTree(out.resolve("trainer_state.json").toFile());
        List<Double> losses = new ArrayList<>();
        for (JsonNode log : state.get("log_history")) {
            if (log.has("loss")) losses.add(log.get("loss").asDouble());
            if (log.has("eval_loss")) evals.add(log);
        }
        assertTrue(losses.size() >= 4, "logged losses: " + losses);
        assertTrue(losses.get(losses.size() - 1) < losses.get(0), "the training loss goes down: " + losses);
        return out;
    }

    @Test
    void multiLabelFromJsonlListsTrainsEvaluatesAndPredictsSigmoidsPerLabel() throws Exception {
        List<JsonNode> evals = new ArrayList<>();
        Path out = train("topics", multi, 8, evals, "learning_rate: 3.0e-3");

        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("multi_label_classification", cfg.get("problem_type").asText(), cfg.toString());
        assertEquals(3, cfg.get("id2label").size(), "num_labels 3: one output per topic");
        assertEquals("food", cfg.get("id2label").get("0").asText(), "names sorted, as run_classification.py sorts label_list");
        JsonNode last = evals.get(evals.size() - 1);
        for (String k : List.of("eval_loss", "eval_accuracy", "eval_precision", "eval_recall", "eval_f1")) {
            assertTrue(last.has(k), k + " in " + last);
        }
        System.err.println("multi-label topics: eval_f1 " + last.get("eval_f1") + ", eval_accuracy " + last.get("eval_accuracy"));
        assertTrue(last.get("eval_f1").asDouble() > evals.get(0).get("eval_f1").asDouble() || last.get("eval_f1").asDouble() >= 0.9,
                "micro F1 improves over training: " + evals);
        assertTrue(last.get("eval_f1").asDouble() >= 0.9, "topic words are easy to learn: " + last);

        MainTest.Result eval = MainTest.run("evaluate", "--model", out.toString(), "--dataset", multi.toString(), "--split", "test",
                "--max_length", "16", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode e = JSON.readTree(eval.out());
        assertEquals("multi_label_classification", e.get("problem_type").asText());
        assertFalse(e.has("confusion_matrix"), "no single-label confusion matrix for multi-label");
        assertEquals(last.get("eval_f1").asDouble(), e.get("metrics").get("test_f1").asDouble(), 1e-9, "evaluate scores as training did");
        assertEquals(last.get("eval_loss").asDouble(), e.get("metrics").get("test_loss").asDouble(), 1e-5);
        MainTest.Result text = MainTest.run("evaluate", "--model", out.toString(), "--dataset", multi.toString(), "--split", "test",
                "--max_length", "16");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("test_f1") && !text.out().contains("confusion matrix"), text.out());

        // one text per topic, shaped as the training rows (two topic words, filler up to four words)
        String[] texts = {"the goal and match", "the song and band", "the pizza and soup"};
        MainTest.Result predict = MainTest.run("predict", "--model", out.toString(), "--json", "--top_k", "0", texts[0], texts[1], texts[2]);
        assertEquals(0, predict.code(), predict.err());
        JsonNode p = JSON.readTree(predict.out());
        assertEquals(3, p.get(0).size(), "top_k 0: every label");
        double[][] score = new double[3][3]; // [text][topic]
        double sum = 0;
        for (int t = 0; t < 3; t++) {
            for (JsonNode s : p.get(t)) {
                score[t][List.of(TOPIC_NAMES).indexOf(s.get("label").asText())] = s.get("score").asDouble();
            }
        }
        for (int k = 0; k < 3; k++) {
            sum += score[0][k];
            for (int t = 0; t < 3; t++) {
                assertTrue(t == k || score[k][k] > score[t][k], TOPIC_NAMES[k] + " scores highest on its own words: " + predict.out());
            }
        }
        assertNotEquals(1.0, sum, 0.05, "independent sigmoids, not a softmax: " + p.get(0));

        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder().model(out).build()) {
            assertEquals("multi_label_classification", pipeline.problemType());
            Classification c = pipeline.classify(List.of("the goal and the song"), null, ClassifyOptions.defaults()).classifications().get(0);
            for (var s : c.scores()) {
                int id = pipeline.labels().indexOf(s.label());
                assertEquals(1 / (1 + Math.exp(-c.logits()[id])), s.score(), 1e-6, "HF's function_to_apply sigmoid, per label");
            }
        }
    }

    @Test
    void regressionFromParquetFloatsTrainsEvaluatesAndPredictsTheRawScore() throws Exception {
        List<JsonNode> evals = new ArrayList<>();
        Path out = train("scores", regression, 4, evals);

        JsonNode cfg = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals("regression", cfg.get("problem_type").asText(), cfg.toString());
        assertEquals(1, cfg.get("id2label").size(), "num_labels 1");
        assertEquals("LABEL_0", cfg.get("id2label").get("0").asText());
        JsonNode last = evals.get(evals.size() - 1);
        for (String k : List.of("eval_loss", "eval_mse", "eval_mae", "eval_pearson")) {
            assertTrue(last.has(k), k + " in " + last);
        }
        assertFalse(last.has("eval_accuracy"), last.toString());
        assertEquals(last.get("eval_loss").asDouble(), last.get("eval_mse").asDouble(), 1e-4, "the loss is the MSE");
        System.err.println("regression scores: eval_mse " + last.get("eval_mse") + " (label variance " + testVariance + "), pearson "
                + last.get("eval_pearson"));
        assertTrue(last.get("eval_mse").asDouble() < testVariance, "better than predicting the mean: " + last);
        assertTrue(last.get("eval_pearson").asDouble() > 0.6, last.toString());

        MainTest.Result eval = MainTest.run("evaluate", "--model", out.toString(), "--dataset", regression.toString(), "--split", "test",
                "--max_length", "16", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode e = JSON.readTree(eval.out());
        assertEquals("regression", e.get("problem_type").asText());
        assertFalse(e.has("confusion_matrix"));
        assertEquals(last.get("eval_mse").asDouble(), e.get("metrics").get("test_mse").asDouble(), 1e-7); // float32 sums in another order

        MainTest.Result predict = MainTest.run("predict", "--model", out.toString(), "--json", "great good lovely", "awful bad poor");
        assertEquals(0, predict.code(), predict.err());
        JsonNode p = JSON.readTree(predict.out());
        assertEquals(1, p.get(0).size(), "one output");
        assertEquals("LABEL_0", p.get(0).get(0).get("label").asText());
        assertTrue(p.get(0).get(0).get("score").asDouble() > p.get(1).get(0).get("score").asDouble(), predict.out());
        assertTrue(p.get(1).get(0).get("score").asDouble() < 0, "a raw score, not a sigmoid: " + predict.out());

        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder().model(out).build()) {
            assertEquals("regression", pipeline.problemType());
            Classification c = pipeline.classify(List.of("awful bad poor"), null, ClassifyOptions.defaults()).classifications().get(0);
            assertEquals(c.logits()[0], c.scores().get(0).score(), 1e-6, "HF's pipeline applies no function for regression");
        }

        // a regression model on multi-label data: one line naming both, exit 2
        MainTest.Result wrong = MainTest.run("evaluate", "--model", out.toString(), "--dataset", multi.toString(), "--split", "test");
        assertEquals(Main.BAD_INPUT, wrong.code(), wrong.err());
        assertTrue(wrong.err().contains("lists of labels") && wrong.err().contains("regression"), wrong.err());
    }

    @Test
    void labelTypeMismatchesAreOneLineErrors() throws Exception {
        MainTest.Result floats = MainTest.run("train", "--config", config("bad-floats", regression).toString(),
                "--problem_type", "single_label_classification");
        assertEquals(Main.BAD_INPUT, floats.code(), floats.err());
        assertTrue(floats.err().contains("holds floats (regression) but problem_type is single_label_classification"), floats.err());

        MainTest.Result lists = MainTest.run("train", "--config", config("bad-lists", multi).toString(), "--problem_type", "regression");
        assertEquals(Main.BAD_INPUT, lists.code(), lists.err());
        assertTrue(lists.err().contains("lists of labels (multi-label) but problem_type is regression"), lists.err());

        MainTest.Result unknown = MainTest.run("train", "--config", config("bad-type", multi).toString(), "--problem_type", "multilabel");
        assertEquals(Main.BAD_INPUT, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("problem_type 'multilabel' is unknown"), unknown.err());

        MainTest.Result single = MainTest.run("train", "--config", config("bad-single", TrainCommandTest.data).toString(),
                "--problem_type", "multi_label_classification");
        assertEquals(Main.BAD_INPUT, single.code(), single.err());
        assertTrue(single.err().contains("one class per row but problem_type is multi_label_classification"), single.err());
    }
}
