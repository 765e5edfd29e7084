package io.finetune4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PEFT adapter folder works wherever a model folder does: the pipeline puts it on its base model. */
class AdapterPipelineTest {
    @TempDir
    Path dir;

    @Test
    void adapterFolderScoresLikeTheInMemoryLoraModel() throws Exception {
        Path base = TinyCheckpoints.classifier(dir, 2, Map.of(0, "neg", 1, "pos"));
        Path adapter = dir.resolve("adapter");
        List<String> texts = List.of("a wonderful film", "a boring film");
        List<List<TextClassifier.LabelScore>> expected;
        try (SequenceClassificationModel model = AutoModelForSequenceClassification.fromPretrained(base)) {
            LoraModel lora = LoraModel.wrap(model, LoraConfig.defaults(), 7);
            // give the adapter non-zero B so it changes the logits
            lora.namedParameters().forEach((name, p) -> {
                if (name.contains("lora_B")) {
                    try (io.finetune4j.torch.Autograd g = io.finetune4j.torch.Autograd.noGrad()) {
                        p.data().add_(0.05);
                    }
                }
            });
            lora.savePretrained(adapter);
            try (TextClassificationPipeline inMemory = TextClassificationPipeline.builder().model(lora).tokenizer(base).topK(0).build()) {
                expected = inMemory.classify(texts);
            }
        }
        assertTrue(Files.isRegularFile(adapter.resolve(LoraConfig.CONFIG_FILE)));
        try (TextClassificationPipeline fromFolder = TextClassificationPipeline.builder().model(adapter.toString()).topK(0).build()) {
            List<List<TextClassifier.LabelScore>> actual = fromFolder.classify(texts);
            for (int i = 0; i < texts.size(); i++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(expected.get(i).get(k).score(), actual.get(i).get(k).score(), 1e-5);
                }
            }
        }
    }
}
