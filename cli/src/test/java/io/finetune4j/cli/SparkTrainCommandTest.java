package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.pipeline.TextClassificationPipeline;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune4j spark train} in-process on one real local[2] session for the class (the command uses the session
 * already running): two ranks, each a real child JVM running {@code train}, on TrainCommandTest's tiny BERT and CSVs.
 */
class SparkTrainCommandTest {
    @TempDir
    Path dir;

    static SparkSession spark;

    @BeforeAll
    static void setUp() throws Exception {
        TrainCommandTest.tinyCheckpointAndData();
        spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.warehouse.dir", TrainCommandTest.dir.resolve("warehouse").toString()).getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** What every rank trains with (no evaluation: spark train names the eval split validation, the CSV folder test). */
    static List<String> rankArgs() {
        return List.of("--model_name_or_path", TrainCommandTest.model.toString(), "--max_seq_length", "16",
            "--pad_to_max_length", "false", "--label_names", "negative,positive", "--learning_rate", "1e-3", "--max_steps", "2",
            "--per_device_train_batch_size", "4", "--eval_strategy", "no", "--save_strategy", "no", "--report_to", "none",
            "--disable_tqdm", "true", "--seed", "3");
    }

    private static String[] train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("spark", "train", "--master", "local[2]",
                "--train_table", TrainCommandTest.data.resolve("train.csv").toString(),
                "--eval_table", TrainCommandTest.data.resolve("test.csv").toString(), "--output_dir", out.toString()));
        args.addAll(rankArgs());
        args.addAll(List.of(more));
        MainTest.Result r = MainTest.run(args.toArray(String[]::new));
        return new String[] {Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void twoRanksTrainALoadableModelIntoTheOutputPath() throws Exception {
        Path out = dir.resolve("model");
        String[] r = train(out);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("saved the model to " + out + ": 2 ranks on local[2], 240 training rows, 80 evaluation rows"), r[1]);
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "saved " + f);
        }
        try (TextClassificationPipeline pipeline = TextClassificationPipeline.builder().model(out).build()) {
            List<LabelScore> scores = pipeline.classify(List.of("a wonderful superb film"), 1).get(0);
            assertTrue(List.of("negative", "positive").contains(scores.get(0).label()), scores.toString());
        }
        assertEquals(List.of("model"), children(dir), "no staging folder left");
        // the same two-rank run started by finetune4j launch on the same CSV: the same final weights, bit for bit
        Path launched = dir.resolve("launched");
        List<String> launch = new java.util.ArrayList<>(List.of("launch", "--nproc_per_node", "2", "--master_port",
                Integer.toString(DistributedTrainTest.freePort()), "train", "--dataset_name", TrainCommandTest.data.toString(),
                "--output_dir", launched.toString()));
        launch.addAll(rankArgs());
        MainTest.Result l = MainTest.run(launch.toArray(String[]::new));
        assertEquals(0, l.code(), l.out() + l.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(launched.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")), "spark train vs launch");
    }

    @Test
    void aFailingRankFailsTheStageWithOneLineAndNoOutput() throws Exception {
        Path out = dir.resolve("model");
        String[] r = train(out, "--num_train_epochs", "many");
        assertEquals("2", r[0], r[2]);
        String last = r[2].strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.matches("error: spark train: rank [01] \\(pid \\d+ on [^)]+\\) exited with code 2: error: .*num_train_epochs.*"), r[2]);
        assertFalse(Files.exists(out));
        assertEquals(List.of(), children(dir), "no output, no staging folder");
    }

    @Test
    void refusesAnExistingOutputAndItsOwnFlags() throws Exception {
        Path out = Files.createDirectories(dir.resolve("model"));
        Files.writeString(out.resolve("config.json"), "{}");
        String[] r = train(out);
        assertEquals("2", r[0], r[2]);
        assertEquals("error: --output_dir " + out + " already exists and is not empty; remove it or pass --overwrite_output_dir", r[2].strip());
        String[] own = train(dir.resolve("other"), "--dataset_name", "imdb");
        assertEquals("2", own[0], own[2]);
        assertTrue(own[2].strip().startsWith("error: --dataset_name is set by spark train itself"), own[2]);
        assertEquals(List.of("model"), children(dir));
        MainTest.Result help = MainTest.run("spark", "train", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--train_table") && help.out().contains("--num_processes"), help.out());
    }

    private static List<String> children(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
