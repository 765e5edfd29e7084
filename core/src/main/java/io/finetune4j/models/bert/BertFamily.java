package io.finetune4j.models.bert;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/** BERT's registry entry: model_type {@code bert}, base prefix {@code bert}, PEFT's default targets query/value. */
public final class BertFamily {
    public static final ModelFamily FAMILY = new ModelFamily(BertConfig.MODEL_TYPE, BertConfig::fromJson, "bert", "bert.encoder.layer.",
            List.of("query", "value"), BertForSequenceClassification.CLASS, BertForMaskedLM.CLASS);

    private BertFamily() {}
}
