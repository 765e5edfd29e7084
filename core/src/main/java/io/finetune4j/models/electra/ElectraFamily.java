package io.finetune4j.models.electra;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/** ELECTRA's registry entry: base prefix {@code electra}, BERT-named layers, PEFT's targets query/value. */
public final class ElectraFamily {
    public static final ModelFamily FAMILY = new ModelFamily(ElectraConfig.MODEL_TYPE, ElectraConfig::fromJson, "electra",
            "electra.encoder.layer.", List.of("query", "value"), ElectraForSequenceClassification.CLASS, ElectraForMaskedLM.CLASS);

    private ElectraFamily() {}
}
