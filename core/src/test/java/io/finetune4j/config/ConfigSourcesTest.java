package io.finetune4j.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.train.TrainingArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
    @TempDir
    Path dir;

    @Test
    void parsesAllFlagForms() {
        Map<String, Object> flags = ConfigSources.parseFlags(
                List.of("--learning_rate", "2e-5", "--num-train-epochs=5", "--fp16", "--weight_decay", "-0.5", "--seed", "7"));
        assertEquals("2e-5", flags.get("learning_rate"));
        assertEquals("5", flags.get("num_train_epochs"));
        assertEquals("true", flags.get("fp16"));
        assertEquals("-0.5", flags.get("weight_decay"), "a negative number is a value, not a flag");
        assertEquals("7", flags.get("seed"));
    }

    @Test
    void flagOverridesFileWhichOverridesDefault() throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "learning_rate: 2.0e-5\nnum_train_epochs: 5\nper_device_train_batch_size: 16\neval_strategy: epoch\n");
        Map<String, Object> merged = ConfigSources.merge(ConfigSources.readFile(yaml),
                ConfigSources.parseFlags(List.of("--num_train_epochs", "1.5")));
        TrainingArguments args = TrainingArguments.fromMap(merged, yaml.toString());
        assertEquals(2e-5, args.learningRate(), 1e-12, "from the file");
        assertEquals(1.5, args.numTrainEpochs(), 1e-12, "flag wins over the file");
        assertEquals(16, args.perDeviceTrainBatchSize());
        assertEquals(TrainingArguments.IntervalStrategy.EPOCH, args.evalStrategy());
        assertEquals(0.0, args.weightDecay(), "HF default kept");
        assertEquals(8, args.perDeviceEvalBatchSize(), "HF default kept");
    }

    @Test
    void readsJsonToo() throws Exception {
        Path json = dir.resolve("c.json");
        Files.writeString(json, "{\"learning_rate\": 3e-5, \"report_to\": [\"tensorboard\", \"jsonl\"]}");
        TrainingArguments args = TrainingArguments.fromMap(ConfigSources.readFile(json), json.toString());
        assertEquals(3e-5, args.learningRate(), 1e-12);
        assertEquals(List.of("tensorboard", "jsonl"), args.reportTo());
    }

    @Test
    void unknownKeySuggestsClosest() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("learnig_rate", "1e-4"), "c.yaml"));
        assertEquals("unknown argument 'learnig_rate' in c.yaml; did you mean 'learning_rate'?", e.getMessage());
        BadInputException far = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("zzzzzzzzzzzz", "1"), "flags"));
        assertTrue(far.getMessage().contains("docs/ARGUMENTS.md"), far.getMessage());
    }

    @Test
    void badValuesNameKeyAndExpectation() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("per_device_train_batch_size", "sixteen"), "flags"));
        assertEquals("invalid value 'sixteen' for per_device_train_batch_size in flags: expected a int value", e.getMessage());
        BadInputException choice = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("eval_strategy", "epochs"), "flags"));
        assertTrue(choice.getMessage().contains("one of [no, steps, epoch]") && choice.getMessage().contains("did you mean 'epoch'"),
                choice.getMessage());
        BadInputException range = assertThrows(BadInputException.class,
                () -> TrainingArguments.fromMap(Map.of("learning_rate", "-1"), "flags"));
        assertEquals("learning_rate must be > 0, got -1", range.getMessage());
    }

    @Test
    void missingAndMalformedFilesAreOneLineErrors() throws Exception {
        BadInputException missing = assertThrows(BadInputException.class, () -> ConfigSources.readFile(dir.resolve("nope.yaml")));
        assertTrue(missing.getMessage().startsWith("config file not found: "), missing.getMessage());
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "learning_rate: [1, 2\n");
        BadInputException parse = assertThrows(BadInputException.class, () -> ConfigSources.readFile(broken));
        assertTrue(parse.getMessage().contains("line"), parse.getMessage());
        assertTrue(!parse.getMessage().contains("\n"), "one line");
    }

    @Test
    void suggestionsAreOnlyForCloseMatches() {
        assertEquals("learning_rate", Suggestions.closest("learning-rat", List.of("learning_rate", "seed")).orElseThrow());
        assertTrue(Suggestions.closest("xyz", List.of("learning_rate", "seed")).isEmpty());
    }
}
