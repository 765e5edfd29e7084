package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finetune4j.data.Column;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.tasks.ClassificationData;
import io.finetune4j.train.EncodedColumns;
import io.finetune4j.train.Trainer;
import io.finetune4j.train.TrainingArguments;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained with truncation_side left and max_seq_length 12 is saved with both in tokenizer_config.json
 * (as HF writes them), and whatever loads the folder cuts the same way; an explicit setting still wins.
 */
class SavedTruncationTest {
    @TempDir
    Path tmp;

    // 40+ words: only the first or the last few survive a 12-token cut, and they differ
    static final String LONG = "terrible awful boring bad worst " + "the movie went on and on ".repeat(8) + "wonderful great superb loved it";

    @Test
    void truncationSideAndMaxLengthTravelWithTheModel() throws Exception {
        Path base = TinyCheckpoints.classifier(tmp, 2, null);
        Path out = tmp.resolve("trained");
        try (AutoTokenizer loaded = AutoTokenizer.fromPretrained(base);
             AutoTokenizer left = loaded.withTruncationSide(EncodeOptions.Side.LEFT);
             AutoTokenizer tok = left.withModelMaxLength(12);
             BertForSequenceClassification model = BertForSequenceClassification.fromPretrained(base)) {
            assertEquals(EncodeOptions.Side.RIGHT, loaded.truncationSide(), "HF's default");
            assertEquals(EncodeOptions.Side.RIGHT, loaded.truncationSide(), "a copy leaves the original as it was");
            assertEquals(EncodeOptions.Side.LEFT, tok.truncationSide());
            EncodedColumns rows = new EncodedColumns(new Column.IntLists(new int[][] {{101, 2204, 102}, {101, 2919, 102}}), null,
                    null, new Column.Ints(new int[] {1, 0}));
            Trainer.builder().model(model).tokenizer(tok).trainColumns(rows).peakFlops(1e11)
                    .args(TrainingArguments.builder().outputDir(out.toString()).maxSteps(2).set("save_steps", 1)
                            .set("save_strategy", "steps").set("disable_tqdm", true).set("report_to", "none").build())
                    .build().train();
        }
        for (Path dir : List.of(out, out.resolve("checkpoint-2"))) {
            JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
            assertEquals("left", config.get("truncation_side").asText(), dir.toString());
            assertEquals(12, config.get("model_max_length").asInt(), dir.toString());
        }

        List<TextClassifier.LabelScore> saved;
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(out).topK(0).build()) {
            assertEquals(12, p.maxLength(), "the trained max length is the default");
            saved = p.classify(LONG);
        }
        try (TextClassificationPipeline left = TextClassificationPipeline.builder().model(out).topK(0).maxLength(12)
                .truncationSide(EncodeOptions.Side.LEFT).build();
             TextClassificationPipeline right = TextClassificationPipeline.builder().model(out).topK(0).maxLength(12)
                .truncationSide(EncodeOptions.Side.RIGHT).build()) {
            assertEquals(left.classify(LONG), saved, "the saved side (left) is used");
            assertNotEquals(right.classify(LONG), saved, "an explicit side wins");
        }
        // evaluate's preprocessing: null means "as saved"; an explicit value wins
        try (AutoTokenizer tok = AutoTokenizer.fromPretrained(out)) {
            ClassificationData.Preprocessing asSaved = new ClassificationData.Preprocessing("text", "label", null, false, null, null, false)
                    .forModel(tok, TinyCheckpoints.MAX_POSITIONS);
            assertEquals(12, asSaved.maxLength());
            assertEquals(EncodeOptions.Side.LEFT, asSaved.truncationSide());
            ClassificationData.Preprocessing given = new ClassificationData.Preprocessing("text", "label", 64, false, EncodeOptions.Side.RIGHT, null, false)
                    .forModel(tok, TinyCheckpoints.MAX_POSITIONS);
            assertEquals(64, given.maxLength());
            assertEquals(EncodeOptions.Side.RIGHT, given.truncationSide());
            assertThrows(io.finetune4j.BadInputException.class, () -> new ClassificationData.Preprocessing("text", "label", 100000, false,
                    null, null, false).forModel(tok, TinyCheckpoints.MAX_POSITIONS), "above the positions: refused before tokenizing");
        }
    }
}
