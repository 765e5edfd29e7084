package io.finetune4j.models.albert;

import io.finetune4j.models.ModelFamily;
import java.util.List;

/**
 * ALBERT's registry entry: base prefix {@code albert}, PEFT's targets query/value. Layers share parameters, so
 * there is no per-layer prefix (top layers cannot be unfrozen one by one).
 */
public final class AlbertFamily {
    public static final ModelFamily FAMILY = new ModelFamily(AlbertConfig.MODEL_TYPE, AlbertConfig::fromJson, "albert", null,
            List.of("query", "value"), AlbertForSequenceClassification.CLASS, AlbertForMaskedLM.CLASS);

    private AlbertFamily() {}
}
