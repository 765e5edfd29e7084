package io.finetune4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlopsTest {
    /** Two encoder layers of 100 parameters each, embeddings LayerNorm 10, pooler 20, classifier 5. */
    private static Map<String, Long> sizes() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("bert.embeddings.LayerNorm.weight", 10L);
        m.put("bert.encoder.layer.0.attention.self.query.weight", 60L);
        m.put("bert.encoder.layer.0.output.dense.weight", 40L);
        m.put("bert.encoder.layer.1.attention.self.query.weight", 60L);
        m.put("bert.encoder.layer.1.output.dense.weight", 40L);
        m.put("bert.pooler.dense.weight", 20L);
        m.put("classifier.weight", 5L);
        return m;
    }

    @Test
    void executedTrainingFlopsFollowWhatTrains() {
        Map<String, Long> s = sizes();
        assertEquals(6.0 * 235, Flops.trainPerToken(s, s.keySet()), "full fine-tuning is nanoGPT's 6N");
        assertEquals(2.0 * 235 + 4.0 * 25, Flops.trainPerToken(s, Set.of("bert.pooler.dense.weight", "classifier.weight")),
                "head only: forward everywhere, backward through the head alone");
        Map<String, Long> lora = new LinkedHashMap<>(s);
        lora.put("bert.encoder.layer.0.attention.self.query.lora_A.weight", 3L);
        assertEquals(2.0 * 238 + 2.0 * 228 + 2.0 * 3, Flops.trainPerToken(lora, Set.of("bert.encoder.layer.0.attention.self.query.lora_A.weight")),
                "an adapter in layer 0: activation gradients from the top down to layer 0");
        assertEquals(0, Flops.depth("bert.embeddings.word_embeddings.weight"));
        assertEquals(13, Flops.depth("base_model.model.bert.encoder.layer.12.attention.self.query.lora_A.weight"));
    }
}
