package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.finetune4j.torch.Device;
import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.TextClassifier.LabelScore;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.tokenize.BatchEncoding;
import io.finetune4j.tokenize.EncodeOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text pairs through the pipeline: the tokenizer's pair encoding, HF's truncation, and batch-independent scores. */
class PairPipelineTest {
    @TempDir
    static Path tmp;
    static Path model;

    static final List<TextPair> PAIRS = List.of(
            new TextPair("A man is playing a guitar.", "A person plays music."),
            new TextPair("The cat sleeps.", "A dog is running through a very long field of tall grass on a sunny afternoon in spring."),
            new TextPair("ok", "no"));

    @BeforeAll
    static void checkpoint() throws Exception {
        model = TinyCheckpoints.classifier(tmp, 3, null);
    }

    @Test
    void pipelinePairIdsAreTheTokenizersPairEncoding() {
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(model).device(Device.cpu()).maxLength(16).build();
                AutoTokenizer tok = AutoTokenizer.fromPretrained(model)) {
            BatchEncoding fromPipeline = p.encodePairs(PAIRS);
            BatchEncoding fromTokenizer = tok.encode(PAIRS.stream().map(TextPair::text).toList(),
                    PAIRS.stream().map(TextPair::textPair).toList(), EncodeOptions.builder().truncation(true).maxLength(16).build());
            for (int i = 0; i < PAIRS.size(); i++) {
                assertArrayEquals(fromTokenizer.inputIds()[i], fromPipeline.inputIds()[i]);
                assertArrayEquals(fromTokenizer.tokenTypeIds()[i], fromPipeline.tokenTypeIds()[i]);
            }
            // [CLS] ok [SEP] no [SEP] with token types 0 0 0 1 1
            assertEquals(List.of("[CLS]", "ok", "[SEP]", "no", "[SEP]"), tok.convertIdsToTokens(fromPipeline.inputIds()[2]));
            assertArrayEquals(new int[] {0, 0, 0, 1, 1}, fromPipeline.tokenTypeIds()[2]);
            // longest_first: the long second text is cut first, the short first one stays whole.
            List<String> cut = tok.convertIdsToTokens(fromPipeline.inputIds()[1]);
            assertEquals(16, cut.size());
            assertEquals(List.of("[CLS]", "the", "cat", "sleeps", ".", "[SEP]", "a", "dog"), cut.subList(0, 8));
            assertEquals("[SEP]", cut.get(15));
        }
    }

    @Test
    void pairScoresDoNotDependOnBatchingOrPadding() {
        try (TextClassificationPipeline p = TextClassificationPipeline.builder().model(model).device(Device.cpu()).maxLength(32)
                .topK(0).build()) {
            List<List<LabelScore>> together = p.classifyPairs(PAIRS);
            for (int i = 0; i < PAIRS.size(); i++) {
                List<LabelScore> alone = p.classifyPairs(List.of(PAIRS.get(i))).get(0);
                for (int j = 0; j < 3; j++) {
                    assertEquals(alone.get(j).label(), together.get(i).get(j).label());
                    assertEquals(alone.get(j).score(), together.get(i).get(j).score(), 1e-5);
                }
            }
            // The pair is not the same input as its two texts joined.
            double pairScore = together.get(0).get(0).score();
            double joined = p.classify(List.of(PAIRS.get(0).text() + " " + PAIRS.get(0).textPair()), 0).get(0).stream()
                    .filter(s -> s.label().equals(together.get(0).get(0).label())).findFirst().orElseThrow().score();
            org.junit.jupiter.api.Assertions.assertNotEquals(pairScore, joined, 1e-7);
        }
        try (TextClassificationPipeline windows = TextClassificationPipeline.builder().model(model).device(Device.cpu()).maxLength(16)
                .longText(LongTextMode.WINDOWS, 4).build()) {
            assertThrows(BadInputException.class, () -> windows.classifyPairs(PAIRS));
        }
    }
}
