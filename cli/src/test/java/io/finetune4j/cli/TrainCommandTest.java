package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The main job end to end on real components: a tiny random BERT checkpoint with the real
 * bert-base-uncased vocabulary, CSV splits written here, `train --config` then `evaluate`.
 */
class TrainCommandTest {
    static Path dir;

    static Path model;
    static Path data;

    @BeforeAll
    static void tinyCheckpointAndData() throws Exception {
        if (model != null) {
            return; // made once per JVM, shared with BenchDataCasesTest
        }
        dir = Files.createTempDirectory("finetune4j-train-test");
        Path made = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                io.finetune4j.io.AtomicFiles.deleteRecursively(made);
            } catch (java.io.IOException ignored) {
                // a leftover temp folder is harmless
            }
        }));
        model = dir.resolve("tiny-bert");
        BertConfig tiny = BertConfig.tiny();
        BertConfig config = new BertConfig(30522, tiny.hiddenSize(), tiny.numHiddenLayers(), tiny.numAttentionHeads(),
                tiny.intermediateSize(), "gelu", 0.0, 0.0, 64, 2, 0.02, 1e-12, 0, "absolute", null, BertConfig.defaultLabels(2),
                null, null, null, Map.of());
        try (BertForSequenceClassification m = BertForSequenceClassification.random(config, 1, Device.cpu())) {
            m.savePretrained(model);
        }
        try (InputStream in = TrainCommandTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(model.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(model, true, 64);

        data = dir.resolve("reviews");
        Files.createDirectories(data);
        Files.writeString(data.resolve("train.csv"), reviews(240, new Random(1)));
        Files.writeString(data.resolve("test.csv"), reviews(80, new Random(2)));
    }

    private static String reviews(int n, Random random) {
        String[] good = {"great", "wonderful", "excellent", "superb", "brilliant"};
        String[] bad = {"awful", "terrible", "boring", "dreadful", "horrible"};
        String[] filler = {"the", "movie", "plot", "actors", "was", "and", "film"};
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            String[] words = label == 1 ? good : bad;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 6; w++) {
                text.append(w % 2 == 0 ? filler[random.nextInt(filler.length)] : words[random.nextInt(words.length)]).append(' ');
            }
            sb.append('"').append(text.toString().trim()).append("\",").append(label == 1 ? "pos" : "neg").append('\n');
        }
        return sb.toString();
    }

    @Test
    void trainsEvaluatesAndSavesAHuggingFaceCheckpoint() throws Exception {
        Path out = dir.resolve("run");
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, String.join("\n",
                "model_name_or_path: " + model,
                "dataset_name: " + data,
                "max_seq_length: 16",
                "pad_to_max_length: false",
                "label_names: [negative, positive]",
                "predict_texts: [\"a wonderful superb film\", \"an awful boring movie\"]",
                "output_dir: " + out,
                "learning_rate: 1.0e-3",
                "num_train_epochs: 4",
                "per_device_train_batch_size: 16",
                "eval_strategy: epoch",
                "save_strategy: epoch",
                "save_total_limit: 1",
                "logging_steps: 5",
                "report_to: [jsonl, tensorboard]",
                "disable_tqdm: true",
                ""));
        MainTest.Result r = MainTest.run("train", "--config", config.toString(), "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Epoch,Training Loss,Validation Loss,Accuracy,Precision,Recall,F1"), r.out());
        assertTrue(r.out().contains("TrainOutput(global_step=60"), r.out());
        assertTrue(r.out().matches("(?s).*positive +[0-9.]+  a wonderful superb film.*"), r.out());
        assertTrue(r.out().matches("(?s).*negative +[0-9.]+  an awful boring movie.*"), r.out());

        for (String f : new String[] {"config.json", "model.safetensors", "trainer_state.json", "tokenizer.json", "vocab.txt"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "saved " + f);
        }
        JsonNode savedConfig = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("positive", savedConfig.get("id2label").get("1").asText());
        JsonNode state = new ObjectMapper().readTree(out.resolve("trainer_state.json").toFile());
        double lastAccuracy = 0;
        for (JsonNode log : state.get("log_history")) {
            if (log.has("eval_accuracy")) {
                lastAccuracy = log.get("eval_accuracy").asDouble();
            }
        }
        assertTrue(lastAccuracy >= 0.9, "a tiny BERT learns word polarity: " + lastAccuracy);
        try (var runs = Files.list(out)) {
            assertEquals(1, runs.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).count(), "save_total_limit 1");
        }

        MainTest.Result eval = MainTest.run("evaluate", "--model", out.toString(), "--dataset", data.toString(), "--split", "test",
                "--max_length", "16", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode e = new ObjectMapper().readTree(eval.out());
        assertEquals(80, e.get("rows").asInt());
        assertEquals(lastAccuracy, e.get("metrics").get("test_accuracy").asDouble(), 1e-9, "same model, same data, same accuracy");
        long total = 0;
        for (JsonNode row : e.get("confusion_matrix")) {
            for (JsonNode c : row) {
                total += c.asLong();
            }
        }
        assertEquals(80, total);
    }

    @Test
    void configMistakesExitTwoBeforeAnyWork() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "model_name_or_path: " + model + "\nmax_seq_lenght: 16\n");
        MainTest.Result r = MainTest.run("train", "--config", config.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("unknown argument 'max_seq_lenght'") && r.err().contains("did you mean 'max_seq_length'?"), r.err());

        MainTest.Result missing = MainTest.run("train", "--model_name_or_path", dir.resolve("nope").toString(),
                "--dataset_name", data.toString(), "--output_dir", dir.resolve("x").toString());
        assertEquals(Main.BAD_INPUT, missing.code());
        assertTrue(missing.err().contains("nope"), missing.err());
    }
}
