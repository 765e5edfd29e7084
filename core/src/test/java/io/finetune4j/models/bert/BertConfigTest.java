package io.finetune4j.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {
    @TempDir
    Path tmp;

    /** bert-base-uncased's config.json as HF hosts it (plus an unknown key and gradient_checkpointing). */
    static final String BASE_UNCASED = """
            {
              "architectures": ["BertForMaskedLM"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 768,
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 12,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "transformers_version": "4.6.0.dev0",
              "type_vocab_size": 2,
              "use_cache": true,
              "vocab_size": 30522,
              "my_custom_key": {"a": [1, 2]}
            }
            """;

    @Test
    void readsHfConfigAndKeepsUnknownKeysOnResave() throws Exception {
        Files.writeString(tmp.resolve("config.json"), BASE_UNCASED);
        BertConfig c = BertConfig.load(tmp);
        assertEquals(BertConfig.base().withArchitectures(List.of("BertForMaskedLM")).hiddenSize(), c.hiddenSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(2, c.numLabels());
        assertEquals(Map.of(0, "LABEL_0", 1, "LABEL_1"), c.id2label());
        assertEquals("4.6.0.dev0", c.transformersVersion());
        assertNull(c.classifierDropout());
        assertEquals(0.1, c.effectiveClassifierDropout());
        Path out = tmp.resolve("out");
        c.withId2label(Map.of(0, "neg", 1, "pos")).withNumHiddenLayers(6).save(out);
        String json = Files.readString(out.resolve("config.json"));
        assertTrue(json.contains("\"my_custom_key\" : {"), json);
        assertTrue(json.contains("\"use_cache\" : true"), json);
        assertTrue(json.contains("\"transformers_version\" : \"4.6.0.dev0\""), json);
        assertTrue(json.contains("\"label2id\" : {\n    \"neg\" : 0,\n    \"pos\" : 1\n  }"), json);
        BertConfig back = BertConfig.load(out);
        assertEquals(6, back.numHiddenLayers());
        assertEquals(Map.of(0, "neg", 1, "pos"), back.id2label());
        assertEquals(c.extra().keySet(), back.extra().keySet());
    }

    @Test
    void namesUnsupportedModelTypeAndActivation() throws Exception {
        Files.writeString(tmp.resolve("config.json"), BASE_UNCASED.replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""));
        BadInputException e = assertThrows(BadInputException.class, () -> BertConfig.load(tmp));
        assertTrue(e.getMessage().contains("'roberta'"), e.getMessage());
        Files.writeString(tmp.resolve("config.json"), BASE_UNCASED.replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_new\""));
        e = assertThrows(BadInputException.class, () -> BertConfig.load(tmp));
        assertTrue(e.getMessage().contains("'gelu_new'"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> BertConfig.load(tmp.resolve("nothing-here")));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        assertThrows(BadInputException.class, () -> BertConfig.tiny().withNumHiddenLayers(3));
    }

    @Test
    void tinyIsSmall() {
        BertConfig t = BertConfig.tiny();
        assertEquals(32, t.hiddenSize());
        assertEquals(2, t.numHiddenLayers());
        assertEquals(16, t.headDim());
    }
}
