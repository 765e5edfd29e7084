package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed-table arguments that act in the train command: do_predict's predict_results.txt and log_level. */
class SeedArgumentsCommandTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void data() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
    }

    private List<String> config(Path out, int maxSteps, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model_name_or_path", TrainCommandTest.model.toString(),
                "--dataset_name", TrainCommandTest.data.toString(), "--max_seq_length", "16", "--label_names", "negative,positive",
                "--output_dir", out.toString(), "--learning_rate", "1e-3", "--max_steps", Integer.toString(maxSteps), "--per_device_train_batch_size", "16",
                "--save_strategy", "no", "--disable_tqdm", "true"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void doPredictWritesPredictResultsAsRunClassificationDoes() throws Exception {
        Path out = tmp.resolve("run");
        MainTest.Result r = MainTest.run(config(out, 90, "--do_predict", "true", "--max_predict_samples", "20").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("predict_results.txt"));
        assertEquals("index\tprediction", lines.get(0));
        assertEquals(21, lines.size(), "header + max_predict_samples rows");
        int right = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split("\t");
            assertEquals(Integer.toString(i - 1), cells[0]);
            assertTrue(cells[1].equals("negative") || cells[1].equals("positive"), lines.get(i));
            right += cells[1].equals((i - 1) % 2 == 0 ? "negative" : "positive") ? 1 : 0; // test.csv alternates neg, pos
        }
        assertTrue(right >= 16, "a trained tiny BERT gets most rows right: " + right + "/20");
        assertFalse(Files.exists(tmp.resolve("plain").resolve("predict_results.txt")));
    }

    @Test
    void logLevelInfoShowsTheTrainersInfoLines() throws Exception {
        Path out = tmp.resolve("logged");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(config(out, 2, "--log_level", "info"));
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        String text = Files.readString(err);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("training 240 rows"), "log_level info shows the Trainer's info lines: " + text);
        assertEquals("warn", Logging.slf4jLevel("warning"));
        assertNull(Logging.slf4jLevel("passive"));
        MainTest.Result bad = MainTest.run(config(out, 2, "--log_level", "loud").toArray(String[]::new));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("log_level must be one of [debug, info, warning, error, critical, passive], got 'loud'"), bad.err());
    }
}
