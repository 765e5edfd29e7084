package io.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.BertTokenizerFiles;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.torch.Device;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** long-text: the comparison LongTextEvaluation's main used to run, as a command; bad input is one line and exit 2. */
class LongTextCommandTest {
    @TempDir
    Path tmp;

    @Test
    void comparesTruncationWithWindowsOnTheLongTextsOnly() throws Exception {
        Path model = tmp.resolve("model");
        try (BertForSequenceClassification m = BertForSequenceClassification.random(TinyCache.config(), 2, Device.cpu())) {
            m.savePretrained(model);
        }
        try (InputStream in = LongTextCommandTest.class.getResourceAsStream("/tokenize/bert-base-uncased-vocab.txt")) {
            Files.write(model.resolve("vocab.txt"), in.readAllBytes());
        }
        BertTokenizerFiles.write(model, true, 16);
        Path data = Files.createDirectories(tmp.resolve("data"));
        String longText = String.join(" ", Collections.nCopies(10, "the film was long but good"));
        Files.writeString(data.resolve("test.jsonl"), "{\"text\": \"short\", \"label\": 0}\n"
                + "{\"text\": \"" + longText + "\", \"label\": 1}\n{\"text\": \"" + longText + " again\", \"label\": 0}\n");
        String[] r = EvaluateCommandTest.run("long-text", "--model", model.toString(), "--dataset_name", data.toString(), "--stride", "4");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("stride 4: 2 long texts: accuracy truncated"), r[1]);
        String[] bad = EvaluateCommandTest.run("long-text", "--model", model.toString(), "--dataset_name", data.toString(),
                "--max_eval_samples", "0");
        assertEquals("2", bad[0], bad[2]);
        assertEquals("error: max_eval_samples must be at least 1, got 0", bad[2].strip());
    }
}
