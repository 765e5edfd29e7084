package io.finetune4j.models.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.finetune4j.BadInputException;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForMaskedLM;
import io.finetune4j.models.bert.BertForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path tmp;

    @Test
    void unknownModelTypeNamesItselfAndTheSupportedOnes() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_embd\": 8}");
        BadInputException e = assertThrows(BadInputException.class, () -> AutoConfig.fromPretrained(tmp));
        assertTrue(e.getMessage().contains("'gpt2'") && e.getMessage().contains("supported: bert"), e.getMessage());
        assertEquals(1, e.getMessage().split("\n").length);
        assertThrows(BadInputException.class, () -> AutoModelForSequenceClassification.fromPretrained(tmp));
    }

    @Test
    void autoClassesLoadTheFamilysHeadsFromOneFolder() {
        Path dir = tmp.resolve("bert");
        try (BertForMaskedLM mlm = BertForMaskedLM.random(BertConfig.tiny(), 1, Device.cpu())) {
            mlm.savePretrained(dir);
        }
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        assertTrue(config instanceof BertConfig);
        assertEquals(List.of("BertForMaskedLM"), config.architectures());
        try (SequenceClassificationModel cls = AutoModelForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().numLabels(3).device(Device.cpu()).build());
             MaskedLMModel mlm = AutoModelForMaskedLM.fromPretrained(dir, LoadOptions.builder().device(Device.cpu()).build())) {
            assertTrue(cls instanceof BertForSequenceClassification);
            assertEquals(3, cls.numLabels());
            assertEquals(List.of("classifier.bias", "classifier.weight", "bert.pooler.dense.bias", "bert.pooler.dense.weight").size(),
                    cls.loadReport().missingKeys().size(), cls.loadReport().missingKeys().toString());
            assertEquals(List.of(), mlm.loadReport().missingKeys());
            assertEquals(List.of("query", "value"), cls.family().loraTargetModules());
            assertEquals("^bert\\.encoder\\.layer\\.(1)\\.", cls.family().layerPattern(List.of(1)));
        }
    }

    @Test
    void genericConfigCopiesKeepTheFamily() {
        PretrainedConfig c = BertConfig.tiny();
        PretrainedConfig edited = c.withProblemType("multi_label_classification").withId2label(Map.of(0, "a", 1, "b", 2, "c"));
        assertTrue(edited instanceof BertConfig);
        assertEquals("multi_label_classification", edited.problemType());
        assertEquals(3, edited.numLabels());
        assertEquals(Map.of("a", 0, "b", 1, "c", 2), edited.label2id());
        assertThrows(BadInputException.class, () -> c.withProblemType("ranking"));
    }
}
