package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
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
                Scope step = Scope.open();
                Autograd g = Autograd.noGrad()) {
            long[] ids = {2, 1037, 17, 3}; // 1037: an id of bert-base's 30,522-token vocabulary
            BadInputException e = assertThrows(BadInputException.class,
                    () -> model.logits(Tensor.of(ids, 1, 4), Tensor.zeros(DType.INT64, 1, 4), Tensor.ones(DType.INT64, 1, 4), false));
            assertTrue(e.getMessage().contains("token id 1037 is outside the 200 rows of bert.embeddings.word_embeddings"), e.getMessage());
            assertTrue(e.getMessage().contains("does not belong to this model"), e.getMessage());
            assertFalse(e.getMessage().contains("index out of range"), e.getMessage());

            long[] types = {0, 0, 5, 0}; // type_vocab_size is 2
            BadInputException t = assertThrows(BadInputException.class,
                    () -> model.logits(Tensor.of(new long[] {2, 17, 30, 3}, 1, 4), Tensor.of(types, 1, 4), Tensor.ones(DType.INT64, 1, 4), false));
            assertTrue(t.getMessage().contains("id 5 is outside the 2 rows of bert.embeddings.token_type_embeddings"), t.getMessage());
        }
    }

    @Test
    void looksUpRowsAndZeroesThePaddingRowAtInit() {
        ParameterFactory f = ParameterFactory.random(Device.cpu(), 3, 0.02);
        TorchEmbedding emb = new TorchEmbedding(f.child("emb"), 5, 4, 1);
        try (Scope step = Scope.open(); Autograd g = Autograd.noGrad()) {
            Tensor out = emb.forward(Tensor.of(new long[] {1, 3, 1}, 1, 3));
            assertArrayEquals(new long[] {1, 3, 4}, out.shape());
            float[] v = out.toFloatArray();
            assertArrayEquals(new float[4], java.util.Arrays.copyOfRange(v, 0, 4), "padding_idx row is zero");
            float[] row3 = emb.weight().data().select(0, 3).toFloatArray();
            assertArrayEquals(row3, java.util.Arrays.copyOfRange(v, 4, 8));
            assertEquals("Embedding(5, 4, padding_idx=1)", emb.toString());
            assertEquals("emb.weight", emb.weight().name());
        } finally {
            emb.weight().close();
        }
    }
}
