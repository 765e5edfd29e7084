package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows that already hold token ids (the seed's tokenized_dataset: input_ids, token_type_ids, attention_mask, labels) train
 * as they are, with a model folder that has no tokenizer files; and a LoRA run prints the count of what trains (PEFT's
 * print_trainable_parameters() after the adapters are added). Data and model: HF's Trainer fixture (tiny BERT, 64 rows).
 */
class TrainPreTokenizedTest {
    static final Path FIXTURE = Path.of("tests/fixtures/hf-trainer-nodrop");

    @TempDir
    Path tmp;
    Path model;
    Path data;

    @BeforeEach
    void modelWithoutTokenizerAndTokenIdRows() throws Exception {
        model = tmp.resolve("model");
        Files.createDirectories(model);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(FIXTURE.resolve("run/checkpoint-4").resolve(f), model.resolve(f));
        }
        data = tmp.resolve("data");
        Files.createDirectories(data);
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (JsonNode row : json.readTree(FIXTURE.resolve("train_rows.json").toFile()).get("rows")) {
            lines.append(json.writeValueAsString(row)).append('\n');
        }
        Files.writeString(data.resolve("train.jsonl"), lines);
    }

    private Path config(String name, String... extra) throws Exception {
        Path c = tmp.resolve(name + ".yaml");
        Files.writeString(c, String.join("\n", "model_name_or_path: " + model, "dataset_name: " + data, "output_dir: " + tmp.resolve(name),
                "max_steps: 2", "per_device_train_batch_size: 8", "learning_rate: 1.0e-3", "save_strategy: 'no'", "eval_strategy: 'no'",
                "disable_tqdm: true", "report_to: none", String.join("\n", extra), ""));
        return c;
    }

    @Test
    void tokenIdRowsTrainWithoutATextColumnOrTokenizer() throws Exception {
        assertFalse(Files.exists(model.resolve("tokenizer.json")) || Files.exists(model.resolve("vocab.txt")));
        MainTest.Result r = MainTest.run("train", "--config", config("plain").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("TrainOutput(global_step=2"), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("plain/model.safetensors")));
    }

    @Test
    void loraRunPrintsTheCountOfWhatTrains() throws Exception {
        MainTest.Result r = MainTest.run("train", "--config", config("lora", "peft:", "  type: lora", "  r: 4", "  lora_alpha: 8",
                "  target_modules: [query, value]").toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("trainable params: ([0-9,]+) \\|\\| all params: ([0-9,]+) \\|\\| trainable%: ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        long trainable = Long.parseLong(m.group(1).replace(",", ""));
        long all = Long.parseLong(m.group(2).replace(",", ""));
        // what trains: rank-4 A [4, 32] and B [32, 4] on query and value of 2 layers, and the classifier [2, 32] + [2]
        long expected = 2 * 2 * (4 * 32 + 32 * 4) + 2 * 32 + 2;
        assertEquals(expected, trainable, r.out());
        assertEquals(26_786 + 2 * 2 * (4 * 32 + 32 * 4), all, r.out()); // the base model plus the adapters
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", 100.0 * trainable / all), m.group(3));
    }
}
