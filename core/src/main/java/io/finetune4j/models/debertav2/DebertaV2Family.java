package io.finetune4j.models.debertav2;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/** The registry entry of {@code model_type "deberta-v2"} (DeBERTa-v2 and DeBERTa-v3 checkpoints). */
public final class DebertaV2Family {
    /** PEFT's default LoRA targets for deberta-v2: the query and value projections. */
    public static final ModelFamily FAMILY = new ModelFamily(DebertaV2Config.MODEL_TYPE, DebertaV2Config::fromJson, "deberta",
            "deberta.encoder.layer.", List.of("query_proj", "value_proj"), DebertaV2ForSequenceClassification.CLASS,
            DebertaV2ForMaskedLM.CLASS);

    private DebertaV2Family() {}
}
