package io.finetune4j.models.auto;

import io.finetune4j.BadInputException;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.albert.AlbertFamily;
import io.finetune4j.models.bert.BertFamily;
import io.finetune4j.models.debertav2.DebertaV2Family;
import io.finetune4j.models.distilbert.DistilBertFamily;
import io.finetune4j.models.electra.ElectraFamily;
import io.finetune4j.models.modernbert.ModernBertFamily;
import io.finetune4j.models.roberta.RobertaFamily;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one registry of model families, keyed by config.json's {@code model_type}: what {@link AutoConfig},
 * {@link AutoModelForSequenceClassification} and {@link AutoModelForMaskedLM} look up.
 */
public final class ModelRegistry {
    private static final Map<String, ModelFamily> FAMILIES = new LinkedHashMap<>();

    static {
        register(BertFamily.FAMILY);
        register(RobertaFamily.ROBERTA);
        register(RobertaFamily.XLM_ROBERTA);
        register(DistilBertFamily.FAMILY);
        register(ElectraFamily.FAMILY);
        register(AlbertFamily.FAMILY);
        register(DebertaV2Family.FAMILY);
        register(ModernBertFamily.FAMILY);
    }

    private ModelRegistry() {}

    private static void register(ModelFamily family) {
        FAMILIES.put(family.modelType(), family);
    }

    /** The supported model_types, in registration order. */
    public static List<String> modelTypes() {
        return List.copyOf(FAMILIES.keySet());
    }

    public static boolean supports(String modelType) {
        return FAMILIES.containsKey(modelType);
    }

    /** The family of {@code modelType}; an unknown one is one line naming it and the supported ones. */
    public static ModelFamily family(String modelType, String source) {
        ModelFamily f = FAMILIES.get(modelType);
        if (f == null) {
            throw new BadInputException(source + " has model_type '" + modelType + "', which finetune4j does not support; supported: "
                    + String.join(", ", FAMILIES.keySet()));
        }
        return f;
    }
}
