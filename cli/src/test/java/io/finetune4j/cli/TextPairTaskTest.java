package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sentence-pair task end to end (GLUE-style sentence1/sentence2 columns): train with
 * text_column_names, evaluate with --text_column_names, predict with --text_pair. Which of the two
 * sentences holds the positive word decides the label, and both classes hold the same words, so the
 * model has to tell the two segments apart.
 */
class TextPairTaskTest {
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        data = TrainCommandTest.dir.resolve("pairs");
        Files.createDirectories(data);
        Files.writeString(data.resolve("train.csv"), pairs(320, new Random(11)));
        Files.writeString(data.resolve("test.csv"), pairs(100, new Random(12)));
    }

    private static String pairs(int n, Random random) {
        String[] good = {"great", "wonderful", "excellent", "superb", "brilliant"};
        String[] bad = {"awful", "terrible", "boring", "dreadful", "horrible"};
        String[] filler = {"the", "movie", "plot", "actors", "was", "and", "film"};
        StringBuilder sb = new StringBuilder("sentence1,sentence2,label\n");
        for (int i = 0; i < n; i++) {
            boolean firstIsGood = random.nextBoolean();
            String g = filler[random.nextInt(filler.length)] + " " + good[random.nextInt(good.length)] + " " + filler[random.nextInt(filler.length)];
            String b = filler[random.nextInt(filler.length)] + " " + bad[random.nextInt(bad.length)] + " " + filler[random.nextInt(filler.length)];
            sb.append(firstIsGood ? g : b).append(',').append(firstIsGood ? b : g).append(',').append(firstIsGood ? "first" : "second").append('\n');
        }
        return sb.toString();
    }

    @Test
    void trainsEvaluatesAndPredictsTextPairs() throws Exception {
        Path out = TrainCommandTest.dir.resolve("pair-run");
        Path config = TrainCommandTest.dir.resolve("pairs.yaml");
        Files.writeString(config, String.join("\n",
                "model_name_or_path: " + TrainCommandTest.model,
                "dataset_name: " + data,
                "text_column_names: sentence1,sentence2",
                "max_seq_length: 24",
                "pad_to_max_length: false",
                "label_names: [first, second]",
                "output_dir: " + out,
                "learning_rate: 2.0e-3",
                "num_train_epochs: 6",
                "per_device_train_batch_size: 16",
                "eval_strategy: epoch",
                "save_strategy: \"no\"",
                "logging_steps: 20",
                "disable_tqdm: true",
                ""));
        MainTest.Result r = MainTest.run("train", "--config", config.toString(), "--seed", "5");
        assertEquals(0, r.code(), r.err());
        JsonNode state = new ObjectMapper().readTree(out.resolve("trainer_state.json").toFile());
        double accuracy = 0;
        for (JsonNode log : state.get("log_history")) {
            if (log.has("eval_accuracy")) {
                accuracy = log.get("eval_accuracy").asDouble();
            }
        }
        System.err.println("text pair task: eval_accuracy " + accuracy);
        assertTrue(accuracy >= 0.9, "a tiny BERT tells which sentence of the pair is positive: " + accuracy);

        MainTest.Result eval = MainTest.run("evaluate", "--model", out.toString(), "--dataset", data.toString(), "--split", "test",
                "--text_column_names", "sentence1,sentence2", "--max_length", "24", "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(accuracy, new ObjectMapper().readTree(eval.out()).get("metrics").get("test_accuracy").asDouble(), 1e-9,
                "evaluate encodes the pairs as training did");

        MainTest.Result predict = MainTest.run("predict", "--model", out.toString(), "--json",
                "--text_pair", "the awful film", "--text_pair", "the superb movie",
                "the superb movie", "the awful film");
        assertEquals(0, predict.code(), predict.err());
        JsonNode p = new ObjectMapper().readTree(predict.out());
        assertEquals("first", p.get(0).get(0).get("label").asText(), predict.out());
        assertEquals("second", p.get(1).get(0).get("label").asText(), predict.out());

        MainTest.Result mismatch = MainTest.run("predict", "--model", out.toString(), "--text_pair", "x", "a", "b");
        assertEquals(Main.BAD_INPUT, mismatch.code());
        assertTrue(mismatch.err().contains("one --text_pair per text"), mismatch.err());
    }
}
