package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `train` on bad data files, through the real command line and a tiny real checkpoint: one line on stderr and exit 2
 * before any model work, nothing written to output_dir; integer labels train as HF's run_classification trains them.
 */
class TrainBadDataTest {
    @TempDir
    Path tmp;

    private static final String GOOD = "{\"text\": \"a great film\", \"label\": \"pos\"}\n{\"text\": \"an awful film\", \"label\": \"neg\"}\n";

    @BeforeAll
    static void tinyModel() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
    }

    private MainTest.Result train(String trainJsonl, String fileName) throws Exception {
        return train(trainJsonl, fileName, GOOD);
    }

    private MainTest.Result train(String trainText, String fileName, String testJsonl) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve(fileName), trainText);
        Files.writeString(data.resolve("test.jsonl"), testJsonl);
        return MainTest.run("train", "--model_name_or_path", TrainCommandTest.model.toString(), "--dataset_name", data.toString(),
                "--output_dir", tmp.resolve("out").toString(), "--max_steps", "1", "--per_device_train_batch_size", "2",
                "--max_seq_length", "16", "--eval_strategy", "no", "--save_strategy", "no", "--disable_tqdm", "true");
    }

    private void refused(MainTest.Result r, String... parts) {
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        for (String part : parts) assertTrue(err.contains(part), "'" + part + "' in: " + err);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    @Test
    void textNested100000ArraysDeepStopsWithOneLineAndTheJvmLives() throws Exception {
        String deep = "[".repeat(100_000) + "\"x\"" + "]".repeat(100_000);
        refused(train(GOOD + "{\"text\": " + deep + ", \"label\": \"pos\"}\n", "train.jsonl"), "train.jsonl line 3", "nested more than");
    }

    @Test
    void mixedLabelTypesStopWithTheRow() throws Exception {
        refused(train(GOOD + "{\"text\": \"fine\", \"label\": 1}\n", "train.jsonl"), "train.jsonl row 3: label 1 is a class id",
                "give every row of column 'label' one type");
        refused(train(GOOD + "{\"text\": [\"x\"], \"label\": \"pos\"}\n", "train.jsonl"), "row 3", "is a list, not a string");
    }

    @Test
    void brokenCsvStopsWithTheLine() throws Exception {
        refused(train("text,label\na,pos\n\"unclosed,neg\nb,pos\n", "train.csv"), "train.csv line 3 has a quote that is never closed");
        refused(train("text,label\na,pos\nb,neg,extra,fields\n", "train.csv"), "train.csv line 3 has more fields than the header's 2 columns");
    }

    @Test
    void integerLabelsTrainWithClassesNamedByValue() throws Exception {
        MainTest.Result r = train("{\"text\": \"a great film\", \"label\": 1}\n{\"text\": \"an awful film\", \"label\": 0}\n".repeat(2),
                "train.jsonl", "{\"text\": \"ok\", \"label\": 0}\n");
        assertEquals(0, r.code(), r.err());
        var id2label = new ObjectMapper().readTree(tmp.resolve("out/config.json").toFile()).get("id2label");
        assertEquals("0", id2label.get("0").asText());
        assertEquals("1", id2label.get("1").asText());
    }
}
