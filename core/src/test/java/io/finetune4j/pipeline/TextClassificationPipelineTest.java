package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.BadInputException;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.tokenize.AutoTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextClassificationPipelineTest {
    @TempDir
    static Path tmp;
    static Path threeLabels;

    static final List<String> TEXTS = List.of("I hate this movie", "i love this movie",
            "A long and winding review that goes on about the plot, the actors and the music for a while.", "ok");

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        threeLabels = TinyCheckpoints.classifier(tmp, 3, null);
    }

    private static TextClassificationPipeline.Builder builder() {
        return TextClassificationPipeline.builder().model(threeLabels).device(Device.cpu());
    }

    @Test
    void scoresAreProbabilitiesSortedHighestFirst() {
        try (TextClassificationPipeline p = builder().topK(0).build()) {
            assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), p.labels(), "labels fall back to LABEL_i");
            assertEquals(TinyCheckpoints.MAX_POSITIONS, p.maxLength(), "max_length is capped by max_position_embeddings");
            for (List<LabelScore> scores : p.classify(TEXTS)) {
                assertEquals(3, scores.size());
                assertEquals(1.0, scores.stream().mapToDouble(LabelScore::score).sum(), 1e-9);
                for (int i = 1; i < scores.size(); i++) {
                    assertTrue(scores.get(i - 1).score() >= scores.get(i).score(), scores.toString());
                }
                assertEquals(3, scores.stream().map(LabelScore::label).distinct().count());
            }
        }
    }

    @Test
    void topKTakesThePrefixOfAllScores() {
        try (TextClassificationPipeline p = builder().build()) {
            List<List<LabelScore>> all = p.classify(TEXTS, -1);
            List<List<LabelScore>> one = p.classify(TEXTS);
            List<List<LabelScore>> two = p.classify(TEXTS, 2);
            for (int t = 0; t < TEXTS.size(); t++) {
                assertEquals(all.get(t).subList(0, 1), one.get(t));
                assertEquals(all.get(t).subList(0, 2), two.get(t));
            }
            LabelScore alone = p.classify(TEXTS.get(0)).get(0);
            assertEquals(one.get(0).get(0).label(), alone.label());
            assertEquals(one.get(0).get(0).score(), alone.score(), 1e-5);
        }
    }

    @Test
    void callerLabelsReplaceId2label() throws Exception {
        Path named = TinyCheckpoints.classifier(tmp, 2, Map.of(0, "neg", 1, "pos"));
        try (TextClassificationPipeline fromConfig = TextClassificationPipeline.builder().model(named).topK(0).build();
                TextClassificationPipeline renamed = TextClassificationPipeline.builder().model(named).topK(0)
                        .labels(List.of("negative", "positive")).build()) {
            assertEquals(List.of("neg", "pos"), fromConfig.labels());
            assertEquals(List.of("negative", "positive"), renamed.labels());
            List<LabelScore> a = fromConfig.classify("i love this movie");
            List<LabelScore> b = renamed.classify("i love this movie");
            for (int i = 0; i < 2; i++) {
                assertEquals(a.get(i).label().equals("neg") ? "negative" : "positive", b.get(i).label());
                assertEquals(a.get(i).score(), b.get(i).score(), 0);
            }
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> builder().labels(List.of("negative", "positive")).build());
        assertTrue(e.getMessage().contains("num_labels 3"), e.getMessage());
    }

    @Test
    void batchedResultsEqualOneTextAtATime() {
        try (TextClassificationPipeline batched = builder().topK(0).batchSize(3).build();
                TextClassificationPipeline single = builder().topK(0).batchSize(1).build()) {
            List<List<LabelScore>> together = batched.classify(TEXTS);
            for (int t = 0; t < TEXTS.size(); t++) {
                List<LabelScore> alone = single.classify(List.of(TEXTS.get(t)), 0).get(0);
                for (int i = 0; i < 3; i++) {
                    assertEquals(alone.get(i).label(), together.get(t).get(i).label());
                    assertEquals(alone.get(i).score(), together.get(t).get(i).score(), 1e-5, "text " + t);
                }
            }
        }
    }

    @Test
    void windowsGiveOneResultPerTextAndMatchTruncationForShortTexts() {
        String longText = String.join(" ", java.util.Collections.nCopies(40, "the movie was long but good"));
        List<String> texts = List.of("i love this movie", longText, "bad");
        try (TextClassificationPipeline windows = builder().topK(0).maxLength(32).longText(LongTextMode.WINDOWS, 8).build();
                TextClassificationPipeline truncate = builder().topK(0).maxLength(32).build()) {
            List<TextClassificationPipeline.Prediction> predictions = windows.predict(texts);
            assertEquals(3, predictions.size());
            int[] counts = windows.windowCounts(texts);
            assertEquals(1, counts[0]);
            assertTrue(counts[1] > 5, "a 240-word text needs many 32-token windows: " + counts[1]);
            assertEquals(1, counts[2]);
            for (int t = 0; t < 3; t++) {
                assertEquals(counts[t], predictions.get(t).windows());
                assertEquals(1.0, predictions.get(t).scores().stream().mapToDouble(LabelScore::score).sum(), 1e-9);
            }
            assertArrayEquals(new int[] {1, 1, 1}, truncate.windowCounts(texts));
            List<List<LabelScore>> truncated = truncate.classify(texts);
            for (int t : new int[] {0, 2}) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(truncated.get(t).get(i).label(), predictions.get(t).scores().get(i).label());
                    assertEquals(truncated.get(t).get(i).score(), predictions.get(t).scores().get(i).score(), 1e-5);
                }
            }
            assertTrue(windows.tokenCounts(texts)[1] > 200);
        }
    }

    @Test
    void acceptsAModelInMemoryAndLeavesItOpen() {
        try (SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(threeLabels);
                AutoTokenizer tokenizer = AutoTokenizer.fromPretrained(threeLabels)) {
            List<List<LabelScore>> fromObjects;
            try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(model).tokenizer(tokenizer).topK(0).build()) {
                fromObjects = p.classify(TEXTS);
            }
            try (TextClassificationPipeline p = builder().topK(0).build()) {
                List<List<LabelScore>> fromFolder = p.classify(TEXTS);
                for (int t = 0; t < TEXTS.size(); t++) {
                    assertEquals(fromFolder.get(t).get(0).score(), fromObjects.get(t).get(0).score(), 1e-6);
                }
            }
            // closing the first pipeline left model and tokenizer usable
            try (TextClassificationPipeline again = TextClassificationPipeline.builder().model(model).tokenizer(tokenizer).topK(0).build()) {
                assertEquals(fromObjects, again.classify(TEXTS));
            }
        }
    }

    @Test
    void badSettingsAreBadInput() {
        assertThrows(BadInputException.class, () -> TextClassificationPipeline.builder().model(tmp.resolve("missing").toString()).build());
        assertThrows(BadInputException.class, () -> builder().maxLength(1000).build());
        assertThrows(BadInputException.class, () -> builder().maxLength(16).longText(LongTextMode.WINDOWS, 14).build());
        try (TextClassificationPipeline p = builder().truncation(false).build()) {
            String tooLong = String.join(" ", java.util.Collections.nCopies(100, "word"));
            BadInputException e = assertThrows(BadInputException.class, () -> p.classify(List.of("fine", tooLong), 1));
            assertTrue(e.getMessage().startsWith("text 1 has"), e.getMessage());
        }
    }

    @Test
    void longTextEvaluationComparesOnlyLongTexts() {
        String longText = String.join(" ", java.util.Collections.nCopies(30, "the movie was long but good"));
        io.finetune4j.data.Dataset data = io.finetune4j.data.Dataset.of(
                "text", new io.finetune4j.data.Column.Strings(new String[] {"short", longText, longText + " again"}),
                "label", new io.finetune4j.data.Column.Ints(new int[] {0, 1, 2}));
        LongTextEvaluation.Result r = LongTextEvaluation.evaluate(threeLabels.toString(), data, 16, 8, 0);
        assertEquals(2, r.longTexts());
        assertTrue(r.meanWindows() > 2, r.describe());
        assertTrue(r.truncated() >= 0 && r.truncated() <= 1 && r.windowed() >= 0 && r.windowed() <= 1, r.describe());
    }
}
