package io.finetune4j.peft;

import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.models.SequenceClassifier;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one call the {@code train} command makes for a config's {@code peft:} section. */
public final class PeftSetup {
    private static final Logger LOG = LoggerFactory.getLogger(PeftSetup.class);

    private PeftSetup() {}

    /**
     * Wraps {@code model} as the {@code peft:} section says ({@code type: lora} → {@link LoraModel}) or returns it
     * unchanged (no section, or {@code type: none}). {@code seed} draws the LoRA A matrices. The result is what
     * the Trainer trains and what its {@code savePretrained} writes (a PEFT adapter folder for LoRA).
     */
    public static SequenceClassifier apply(SequenceClassificationModel model, Map<String, Object> peftSection, long seed) {
        if (peftSection == null || peftSection.isEmpty()) {
            return model;
        }
        PeftArguments args = PeftArguments.fromMap(peftSection, "the peft section");
        return switch (args.type()) {
            case NONE -> model;
            case LORA -> {
                LoraModel lora = LoraModel.wrap(model, args.toLoraConfig(), seed);
                LOG.info("LoRA on {} layers: {}", lora.targetedModules().size(), lora.trainableParametersLine());
                yield lora;
            }
        };
    }
}
