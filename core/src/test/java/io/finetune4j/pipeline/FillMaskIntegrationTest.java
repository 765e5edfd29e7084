package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finetune4j.pipeline.FillMaskPipeline.FillMaskResult;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The example of bert-base-uncased's model card, on the real (cached) weights. */
@Tag("integration")
class FillMaskIntegrationTest {
    @Test
    void reproducesTheModelCard() {
        // HF's card: unmasker("Hello I'm a [MASK] model.") with pipeline('fill-mask', model='bert-base-uncased')
        List<String> tokens = List.of("fashion", "role", "new", "super", "fine");
        List<Integer> ids = List.of(4827, 2535, 2047, 3565, 2986);
        double[] scores = {0.1073106899857521, 0.08774490654468536, 0.05338378623127937, 0.04667217284440994, 0.027095865458250046};
        try (FillMaskPipeline unmasker = Pipelines.fillMask("bert-base-uncased")) {
            List<FillMaskResult> results = unmasker.fill("Hello I'm a [MASK] model.");
            assertEquals(5, results.size());
            for (int i = 0; i < 5; i++) {
                FillMaskResult r = results.get(i);
                System.err.printf("%s %d %.10f %s%n", r.tokenStr(), r.token(), r.score(), r.sequence());
                assertEquals(tokens.get(i), r.tokenStr());
                assertEquals(ids.get(i), r.token());
                assertEquals(Math.round(scores[i] * 1000), Math.round(r.score() * 1000), r.tokenStr()); // 3 decimals
                assertEquals("hello i'm a " + tokens.get(i) + " model.", r.sequence());
            }
        }
    }

    /** The check on both cased checkpoints: "capital" first (bert-base-uncased gives it 0.997). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"bert-base-cased", "bert-base-multilingual-cased"})
    void casedCheckpointsPutCapitalFirst(String model) {
        try (FillMaskPipeline unmasker = Pipelines.fillMask(model)) {
            List<FillMaskResult> results = unmasker.fill("Paris is the [MASK] of France.");
            for (FillMaskResult r : results) {
                System.err.printf("%s: %s %d %.4f %s%n", model, r.tokenStr(), r.token(), r.score(), r.sequence());
            }
            assertEquals(5, results.size());
            assertEquals("capital", results.get(0).tokenStr());
            assertEquals("Paris is the capital of France.", results.get(0).sequence(), "cased: the text keeps its capitals");
        }
    }

    @Test
    void theMultilingualTokenizerSplitsChineseIntoCharacters() {
        try (FillMaskPipeline unmasker = Pipelines.fillMask("bert-base-multilingual-cased")) {
            io.finetune4j.tokenize.AutoTokenizer tok = unmasker.tokenizer();
            String text = "巴黎是法国的首都。";
            List<String> tokens = tok.tokenize(text);
            System.err.println("bert-base-multilingual-cased: " + tokens);
            assertEquals(text.codePoints().mapToObj(Character::toString).toList(), tokens);
            List<FillMaskResult> results = unmasker.fill("巴黎是法国的首[MASK]。");
            for (FillMaskResult r : results) {
                System.err.printf("bert-base-multilingual-cased: %s %d %.4f %s%n", r.tokenStr(), r.token(), r.score(), r.sequence());
            }
            assertEquals(5, results.size()); // printed for the record; a single masked character is not asserted
        }
    }
}
