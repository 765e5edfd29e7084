package io.finetune4j.models.modernbert;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/** The registry entry of {@code model_type "modernbert"}. */
public final class ModernBertFamily {
    /** PEFT's default LoRA target for modernbert: the fused Wqkv projection. */
    public static final ModelFamily FAMILY = new ModelFamily(ModernBertConfig.MODEL_TYPE, ModernBertConfig::fromJson, "model",
            "model.layers.", List.of("Wqkv"), ModernBertForSequenceClassification.CLASS, ModernBertForMaskedLM.CLASS);

    private ModernBertFamily() {}
}
