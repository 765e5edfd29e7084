package io.finetune4j.models.distilbert;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/** DistilBERT's registry entry: base prefix {@code distilbert}, layers {@code distilbert.transformer.layer.N}, PEFT's targets q_lin/v_lin. */
public final class DistilBertFamily {
    public static final ModelFamily FAMILY = new ModelFamily(DistilBertConfig.MODEL_TYPE, DistilBertConfig::fromJson, "distilbert",
            "distilbert.transformer.layer.", List.of("q_lin", "v_lin"), DistilBertForSequenceClassification.CLASS,
            DistilBertForMaskedLM.CLASS);

    private DistilBertFamily() {}
}
