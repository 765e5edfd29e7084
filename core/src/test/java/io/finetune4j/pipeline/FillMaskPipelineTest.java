package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.pipeline.FillMaskPipeline.FillMaskResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FillMaskPipelineTest {
    @TempDir
    static Path tmp;
    static Path mlm;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        mlm = TinyCheckpoints.maskedLm(tmp);
    }

    @Test
    void oneMaskGivesTopKCandidatesWithHfFields() {
        try (FillMaskPipeline unmasker = Pipelines.fillMask(mlm.toString())) {
            List<FillMaskResult> results = unmasker.fill("Hello I'm a [MASK] model.");
            assertEquals(FillMaskPipeline.DEFAULT_TOP_K, results.size());
            for (int i = 0; i < results.size(); i++) {
                FillMaskResult r = results.get(i);
                assertTrue(r.score() > 0 && r.score() < 1);
                if (i > 0) {
                    assertTrue(results.get(i - 1).score() >= r.score());
                }
                assertEquals(unmasker.tokenizer().decode(new int[] {r.token()}, false), r.tokenStr());
                assertFalse(r.sequence().contains("[MASK]") || r.sequence().contains("[CLS]"), r.sequence());
                assertTrue(r.sequence().startsWith("hello i'm a") && r.sequence().endsWith(" model."), r.sequence()); // a ##piece joins "a"
            }
            assertEquals(5, results.stream().mapToInt(FillMaskResult::token).distinct().count());
            // the whole vocabulary sums to one and its prefix is the top 5
            List<FillMaskResult> all = unmasker.fillEach(List.of("Hello I'm a [MASK] model."), 0).get(0).get(0);
            assertEquals(30522, all.size());
            assertEquals(1.0, all.stream().mapToDouble(FillMaskResult::score).sum(), 1e-4);
            assertEquals(results, all.subList(0, 5));
        }
    }

    @Test
    void severalMasksGiveOneListPerMask() {
        try (FillMaskPipeline unmasker = Pipelines.fillMask(mlm.toString())) {
            List<List<FillMaskResult>> perMask = unmasker.fillEach("The [MASK] sat on the [MASK].");
            assertEquals(2, perMask.size());
            perMask.forEach(list -> assertEquals(5, list.size()));
            // batching texts of different lengths gives the same candidates as one text alone
            List<List<List<FillMaskResult>>> batch = unmasker.fillEach(List.of("a [MASK].", "The [MASK] sat on the [MASK]."), 3);
            assertEquals(1, batch.get(0).size());
            for (int m = 0; m < 2; m++) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(perMask.get(m).get(i).token(), batch.get(1).get(m).get(i).token());
                    assertEquals(perMask.get(m).get(i).score(), batch.get(1).get(m).get(i).score(), 1e-5);
                }
            }
            assertThrows(BadInputException.class, () -> unmasker.fill("The [MASK] sat on the [MASK]."));
            BadInputException none = assertThrows(BadInputException.class, () -> unmasker.fill("no mask here"));
            assertTrue(none.getMessage().contains("[MASK]"), none.getMessage());
        }
    }
}
