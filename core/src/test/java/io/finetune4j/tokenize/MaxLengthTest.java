package io.finetune4j.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import org.junit.jupiter.api.Test;

/** The one length rule: requested, else the tokenizer's model_max_length, within the model's positions. */
class MaxLengthTest {
    private static final int UNSET = Integer.MAX_VALUE;

    @Test
    void unsetIsTheSavedLengthCappedAtThePositions() {
        assertEquals(128, MaxLength.resolve(null, 128, 512), "the model_max_length saved with a trained model");
        assertEquals(512, MaxLength.resolve(null, UNSET, 512), "no model_max_length: the positions");
        assertEquals(512, MaxLength.resolve(null, 1_000_000, 512), "a huge model_max_length is capped at the positions");
        BadInputException e = assertThrows(BadInputException.class, () -> MaxLength.resolve(null, UNSET, UNSET));
        assertTrue(e.getMessage().contains("set max_seq_length"), e.getMessage());
    }

    @Test
    void anExplicitLengthWinsWithinThePositions() {
        assertEquals(256, MaxLength.resolve(256, 128, 512), "above the saved model_max_length is allowed, as in HF's tokenizer");
        assertEquals(512, MaxLength.resolve(512, 512, 512));
        assertEquals(2, MaxLength.resolve(2, 512, 512));
    }

    @Test
    void inferenceRefusesALengthThePositionsCannotHoldInOneLine() {
        BadInputException e = assertThrows(BadInputException.class, () -> MaxLength.resolve(100_000, 512, 512));
        assertEquals("max_seq_length 100000 is above the 512 positions of the model (config.json max_position_embeddings); "
                + "use at most 512", e.getMessage());
        assertThrows(BadInputException.class, () -> MaxLength.resolve(0, 512, 512));
        assertThrows(BadInputException.class, () -> MaxLength.resolve(1, 512, 512));
        assertThrows(BadInputException.class, () -> MaxLength.resolve(-1, 512, 512));
    }

    @Test
    void trainingLowersTheLengthAsHfRunClassificationDoes() {
        assertEquals(512, MaxLength.forTraining(100_000, 512, 512), "HF: min(max_seq_length, model_max_length)");
        assertEquals(64, MaxLength.forTraining(128, 512, 64), "and never above the positions");
        assertEquals(128, MaxLength.forTraining(256, 128, 512), "a saved model_max_length caps it, as in HF");
        assertEquals(128, MaxLength.forTraining(128, UNSET, 512));
        BadInputException e = assertThrows(BadInputException.class, () -> MaxLength.forTraining(0, 512, 512));
        assertTrue(e.getMessage().startsWith("max_seq_length must be at least 2"), e.getMessage());
        assertEquals(null, MaxLength.check(null));
    }
}
