package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import org.junit.jupiter.api.Test;

/**
 * Ids outside an embedding table (a tokenizer with more ids than the model's vocab_size, an input longer than
 * max_position_embeddings) are one line naming the id, the table and what to do, not libtorch's
 * "index out of range in self". (Inputs longer than max_position_embeddings are refused before the model runs.)
 */
class TorchEmbeddingTest {
    @Test
    void idsOutsideTheTableNameTheIdTheTableAndTheCause() {
        BertConfig config = BertConfig.tiny(); // vocab_size 200, max_position_embeddings 64
        try (BertForSequenceClassification model = BertForSequenceClassification.random(config, 2, Device.cpu());
                NDManager m = model.manager().newSubManager()) {
            Shape shape = new Shape(1, 4);
            long[] ids = {2, 1037, 17, 3}; // 1037: an id of bert-base's 30,522-token vocabulary
            BadInputException e = assertThrows(BadInputException.class,
                    () -> model.logits(m.create(ids, shape), m.zeros(shape, ai.djl.ndarray.types.DataType.INT64), m.ones(shape,
                            ai.djl.ndarray.types.DataType.INT64), false));
            assertTrue(e.getMessage().contains("token id 1037 is outside the 200 rows of bert.embeddings.word_embeddings"), e.getMessage());
            assertTrue(e.getMessage().contains("does not belong to this model"), e.getMessage());
            assertFalse(e.getMessage().contains("index out of range"), e.getMessage());

            long[] types = {0, 0, 5, 0}; // type_vocab_size is 2
            BadInputException t = assertThrows(BadInputException.class,
                    () -> model.logits(m.create(new long[] {2, 17, 30, 3}, shape), m.create(types, shape),
                            m.ones(shape, ai.djl.ndarray.types.DataType.INT64), false));
            assertTrue(t.getMessage().contains("id 5 is outside the 2 rows of bert.embeddings.token_type_embeddings"), t.getMessage());
        }
    }
}
