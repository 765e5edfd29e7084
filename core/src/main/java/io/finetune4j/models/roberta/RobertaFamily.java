package io.finetune4j.models.roberta;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/**
 * RoBERTa's registry entries: {@code roberta} and {@code xlm-roberta} (HF's XLM-RoBERTa is RoBERTa's modules under
 * other names), base prefix {@code roberta}, PEFT's default targets query/value.
 */
public final class RobertaFamily {
    public static final ModelFamily ROBERTA = new ModelFamily(RobertaConfig.MODEL_TYPE, RobertaConfig::fromJson, "roberta",
            "roberta.encoder.layer.", List.of("query", "value"), RobertaForSequenceClassification.CLASS, RobertaForMaskedLM.CLASS);
    public static final ModelFamily XLM_ROBERTA = new ModelFamily(RobertaConfig.XLM_MODEL_TYPE, RobertaConfig::fromJson, "roberta",
            "roberta.encoder.layer.", List.of("query", "value"), RobertaForSequenceClassification.XLM_CLASS, RobertaForMaskedLM.XLM_CLASS);

    private RobertaFamily() {}
}
