package io.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.finetune4j.BadInputException;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeftSetupTest {
    @Test
    @SuppressWarnings("unchecked")
    void peftSectionOfAYamlConfigWrapsTheModel() throws Exception {
        String yaml = """
                learning_rate: 5.0e-4
                peft:
                  type: lora
                  r: 4
                  lora_alpha: 16
                  lora_dropout: 0.1
                  target_modules: [query, key, value]
                  bias: lora_only
                  modules_to_save: [classifier]
                """;
        Map<String, Object> config = new ObjectMapper(new YAMLFactory()).readValue(yaml, Map.class);
        try (SequenceClassifier model = PeftSetup.apply(PeftTestData.tinyBert(1), (Map<String, Object>) config.get("peft"), 7)) {
            LoraModel lora = assertInstanceOf(LoraModel.class, model);
            assertEquals(LoraConfig.builder().r(4).loraAlpha(16).loraDropout(0.1).targetModules(List.of("query", "key", "value"))
                    .bias("lora_only").modulesToSave(List.of("classifier")).build(), lora.config());
            assertEquals(6, lora.targetedModules().size());
            assertEquals(4.0, lora.config().scaling());
        }
    }

    @Test
    void noSectionOrTypeNoneKeepsTheModel() {
        try (BertForSequenceClassification bert = PeftTestData.tinyBert(1)) {
            assertSame(bert, PeftSetup.apply(bert, null, 1));
            assertSame(bert, PeftSetup.apply(bert, Map.of("type", "none"), 1));
            BadInputException e = assertThrows(BadInputException.class, () -> PeftSetup.apply(bert, Map.of("type", "lora", "rank", 4), 1));
            assertTrue(e.getMessage().contains("rank"), e.getMessage());
            assertThrows(BadInputException.class, () -> PeftSetup.apply(bert, Map.of("type", "prefix_tuning"), 1));
        }
    }
}
