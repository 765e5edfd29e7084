package io.finetune4j.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.train.TrainingArguments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every shipped config parses and validates; the seed's run is reproduced argument for argument. */
class ConfigsTest {
    @Test
    void everyConfigInTheRepositoryIsValid() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("configs"))) {
            List<Path> configs = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertFalse(configs.isEmpty());
            for (Path config : configs) {
                RunArguments.fromConfigAndFlags(config, List.of());
            }
        }
    }

    @Test
    void theSeedsFirstRunIsImdbBertBase() {
        RunArguments a = RunArguments.fromConfigAndFlags(Path.of("configs/imdb-bert-base.yaml"), List.of());
        TrainingArguments t = a.training();
        assertEquals("bert-base-uncased", a.model().modelNameOrPath());
        assertEquals(160, a.data().maxSeqLength());
        assertEquals(2e-5, t.learningRate());
        assertEquals(16, t.perDeviceTrainBatchSize());
        assertEquals(16, t.perDeviceEvalBatchSize());
        assertEquals(5.0, t.numTrainEpochs());
        assertEquals(0.01, t.weightDecay());
        assertTrue(t.loadBestModelAtEnd());
        assertEquals("accuracy", t.metricForBestModel());
        assertEquals(2, t.saveTotalLimit());
        assertTrue(t.reportsTo("tensorboard"));
        assertEquals("classifier|pooler",
                RunArguments.fromConfigAndFlags(Path.of("configs/imdb-head-only.yaml"), List.of()).model().trainable());
    }
}
