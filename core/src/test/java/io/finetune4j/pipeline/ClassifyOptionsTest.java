package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.BadInputException;
import io.finetune4j.tokenize.EncodeOptions.Side;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-call options of the pipeline: score functions, raw logits, truncation on/off and side, token counts. */
class ClassifyOptionsTest {
    @TempDir
    static Path tmp;

    @Test
    void scoreFunctionsFollowHfsNamesAndDefaults() {
        assertEquals(ScoreFunction.SOFTMAX, ScoreFunction.parse("Softmax"));
        assertEquals(ScoreFunction.NONE, ScoreFunction.parse("none"));
        assertThrows(BadInputException.class, () -> ScoreFunction.parse("relu"));
        assertEquals(ScoreFunction.SIGMOID, ScoreFunction.DEFAULT.resolve(1, null), "one logit without problem_type: sigmoid");
        assertEquals(ScoreFunction.NONE, ScoreFunction.DEFAULT.resolve(1, "regression"), "regression: the raw score, as HF's pipeline");
        assertEquals(ScoreFunction.SIGMOID, ScoreFunction.DEFAULT.resolve(3, "multi_label_classification"), "multi-label: sigmoid");
        assertEquals(ScoreFunction.SOFTMAX, ScoreFunction.DEFAULT.resolve(3, null));
        assertEquals(ScoreFunction.SOFTMAX, ScoreFunction.DEFAULT.resolve(3, "single_label_classification"));
        assertEquals(ScoreFunction.SIGMOID, ScoreFunction.SIGMOID.resolve(1, "regression"), "an explicit function_to_apply wins");
        float[] logits = {0f, 2f};
        assertArrayEquals(new double[] {0.5, 1 / (1 + Math.exp(-2))}, ScoreFunction.SIGMOID.apply(logits, 0, 2), 1e-12);
        assertArrayEquals(new double[] {0, 2}, ScoreFunction.NONE.apply(logits, 0, 2), 1e-12);
        assertEquals(1.0, ScoreFunction.SOFTMAX.apply(logits, 0, 2)[0] + ScoreFunction.SOFTMAX.apply(logits, 0, 2)[1], 1e-12);
    }

    @Test
    void thePipelineAppliesPerCallOptions() throws Exception {
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(TinyCheckpoints.classifier(tmp, 3, null))
                .device(Device.cpu()).build()) {
            String text = "the acting was honest and the story slow";
            Classification soft = p.classify(List.of(text), null, ClassifyOptions.defaults()).classifications().get(0);
            Classification raw = p.classify(List.of(text), null, ClassifyOptions.defaults().withFunction(ScoreFunction.NONE))
                    .classifications().get(0);
            assertArrayEquals(soft.logits(), raw.logits());
            assertEquals(p.classify(List.of(text), 0).get(0), soft.scores(), "defaults = the classic call");
            for (TextClassifier.LabelScore s : raw.scores()) {
                assertEquals(raw.logits()[p.labels().indexOf(s.label())], s.score(), 1e-6);
            }
            assertEquals(p.tokenCounts(List.of(text))[0], soft.tokens());
            assertEquals(2, p.classify(List.of(text), null, ClassifyOptions.defaults().withTopK(2)).classifications().get(0).scores().size());

            String longText = "word ".repeat(100).trim();
            InputTooLongException e = assertThrows(InputTooLongException.class,
                    () -> p.classify(List.of("ok", longText), null, ClassifyOptions.defaults().withTruncate(false)));
            assertEquals(1, e.index());
            assertEquals(102, e.tokens());
            assertEquals(TinyCheckpoints.MAX_POSITIONS, e.maxLength());
            ClassifyResult cut = p.classify(List.of(longText), null, ClassifyOptions.defaults().withTruncate(true));
            assertEquals(TinyCheckpoints.MAX_POSITIONS, cut.tokens());
            assertTrue(cut.tokenizationNanos() > 0 && cut.inferenceNanos() > 0);

            String mixed = "good ".repeat(40) + "bad ".repeat(40);
            String head = "good ".repeat(40) + "bad ".repeat(22);
            String tail = "good ".repeat(22) + "bad ".repeat(40);
            ClassifyOptions exact = ClassifyOptions.defaults().withFunction(ScoreFunction.NONE).withTruncate(false);
            ClassifyOptions cutting = exact.withTruncate(true);
            assertArrayEquals(p.classify(List.of(head.trim()), null, exact).classifications().get(0).logits(),
                    p.classify(List.of(mixed.trim()), null, cutting.withTruncationSide(Side.RIGHT)).classifications().get(0).logits(), 1e-5f);
            assertArrayEquals(p.classify(List.of(tail.trim()), null, exact).classifications().get(0).logits(),
                    p.classify(List.of(mixed.trim()), null, cutting.withTruncationSide(Side.LEFT)).classifications().get(0).logits(), 1e-5f);
        }
    }
}
