package io.finetune4j.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.finetune4j.io.Cache;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** LoRA on the real bert-base-uncased (in the cache after {@code model fetch}): PEFT's counts for r=8 on query/value. */
@Tag("integration")
class BertBaseLoraIntegrationTest {
    @Test
    void trainableParametersOfBertBaseWithDefaultLora() {
        Path dir = Cache.standard().model("bert-base-uncased");
        assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "bert-base-uncased is not in the cache; run finetune4j model fetch");
        try (LoraModel lora = LoraModel.wrap(AutoModelForSequenceClassification.fromPretrained(dir), LoraConfig.defaults(), 42)) {
            // PEFT prints "trainable params: 296,450 || all params: 109,780,228 || trainable%: 0.2700": its total also
            // counts the frozen original classifier next to the trained copy (1,538 more); here the classifier itself trains.
            assertEquals("trainable params: 296,450 || all params: 109,778,690 || trainable%: 0.2700", lora.trainableParametersLine());
            assertEquals(24, lora.targetedModules().size());
        }
    }
}
