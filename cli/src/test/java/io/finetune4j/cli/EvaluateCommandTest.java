package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.torch.Device;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate takes train's HF names; its older spellings still work and give the same result; errors name HF arguments. */
class EvaluateCommandTest {
    @TempDir
    static Path tmp;
    static Path model;
    static Path data;

    @BeforeAll
    static void tinyModelAndData() throws Exception {
        model = tmp.resolve("model");
        try (BertForSequenceClassification m = BertForSequenceClassification.random(TinyCache.config(), 3, Device.cpu())) {
            m.savePretrained(model);
        }
        try (InputStream in = EvaluateCommandTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(model.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(model, true, 512);
        data = Files.createDirectories(tmp.resolve("data"));
        StringBuilder csv = new StringBuilder("review,label\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i % 2 == 0 ? "a great film " : "a dull film ").append(i).append(',').append(i % 2 == 0 ? "pos" : "neg").append('\n');
        }
        Files.writeString(data.resolve("train.csv"), csv);
        Files.writeString(data.resolve("test.csv"), csv);
    }

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void hfNamesAndOldSpellingsGiveTheSameScores() throws Exception {
        String[] hf = run("evaluate", "--model", model.toString(), "--dataset_name", data.toString(), "--split", "test",
                "--text_column_name", "review", "--label_column_name", "label", "--max_eval_samples", "12", "--shuffle_seed", "7",
                "--max_seq_length", "16", "--truncation_side", "left", "--per_device_eval_batch_size", "4", "--json");
        assertEquals("0", hf[0], hf[2]);
        String[] old = run("evaluate", "--model", model.toString(), "--dataset", data.toString(), "--split", "test",
                "--text_column_name", "review", "--label_column_name", "label", "--max_samples", "12", "--seed", "7",
                "--max_length", "16", "--truncation_side", "left", "--batch_size", "4", "--json");
        assertEquals("0", old[0], old[2]);
        JsonNode a = new ObjectMapper().readTree(hf[1]);
        JsonNode b = new ObjectMapper().readTree(old[1]);
        assertEquals(12, a.get("rows").asInt());
        assertEquals(a.get("confusion_matrix"), b.get("confusion_matrix"), "the same evaluation under either spelling");
        for (String metric : new String[] {"test_loss", "test_accuracy", "test_f1"}) {
            assertEquals(a.get("metrics").get(metric), b.get("metrics").get(metric), metric);
        }
    }

    @Test
    void errorsNameTheHfArgument() {
        String[] r = run("evaluate", "--model", model.toString(), "--dataset_name", data.toString(), "--text_column_name", "review",
                "--label_column_name", "sentiment");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("label_column_name") && !r[2].contains("labelColumn"), r[2]);
        String[] side = run("evaluate", "--model", model.toString(), "--dataset_name", data.toString(), "--truncation_side", "middle");
        assertEquals("2", side[0], side[2]);
        assertTrue(side[2].contains("truncation_side must be left or right"), side[2]);
    }
}
