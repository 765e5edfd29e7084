package io.finetune4j.models.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.BadInputException;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.albert.AlbertConfig;
import io.finetune4j.models.albert.AlbertForSequenceClassification;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForMaskedLM;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.debertav2.DebertaV2Config;
import io.finetune4j.models.distilbert.DistilBertConfig;
import io.finetune4j.models.distilbert.DistilBertForSequenceClassification;
import io.finetune4j.models.electra.ElectraConfig;
import io.finetune4j.models.electra.ElectraForMaskedLM;
import io.finetune4j.models.modernbert.ModernBertConfig;
import io.finetune4j.models.roberta.RobertaConfig;
import io.finetune4j.models.roberta.RobertaForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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

    @Test
    void everyFamilysConfigAnswersWithItsRegistryEntry() {
        List<PretrainedConfig> configs = List.of(BertConfig.tiny(), RobertaConfig.tiny("roberta"), RobertaConfig.tiny("xlm-roberta"),
                DistilBertConfig.tiny(false), ElectraConfig.tiny(16), AlbertConfig.tiny(1), DebertaV2Config.tiny(), ModernBertConfig.tiny());
        assertEquals(new TreeSet<>(ModelRegistry.modelTypes()), new TreeSet<>(configs.stream().map(PretrainedConfig::modelType).toList()));
        for (PretrainedConfig c : configs) {
            assertSame(ModelRegistry.family(c.modelType(), "test"), c.family(), c.modelType());
            assertSame(c.family(), AutoConfig.fromJson(c.toJson(), "test").family(), c.modelType());
        }
    }

    @Test
    void aFamilysClassReadsItsOwnConfigAndRefusesAnotherFamilysInOneLine() {
        Path dir = tmp.resolve("bert");
        BertConfig.tiny().save(dir);
        assertTrue(BertForSequenceClassification.CLASS.readConfig(dir) instanceof BertConfig);
        for (ModelClass<?> other : List.of(AlbertForSequenceClassification.CLASS, RobertaForSequenceClassification.CLASS,
                ElectraForMaskedLM.CLASS, DistilBertForSequenceClassification.CLASS)) {
            BadInputException e = assertThrows(BadInputException.class, () -> other.fromPretrained(dir, LoadOptions.defaults()));
            assertTrue(e.getMessage().contains("'bert'"), e.getMessage());
            assertEquals(1, e.getMessage().split("\n").length, e.getMessage());
        }
    }
}
