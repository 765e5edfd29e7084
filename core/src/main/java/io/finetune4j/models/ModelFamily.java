package io.finetune4j.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One registry entry: what finetune4j knows about a {@code model_type}. A family is added by writing its
 * package ({@code io.finetune4j.models.<family>}, mirroring HF's {@code modeling_<family>.py}) and one line
 * in {@code models.auto.ModelRegistry}; a family's configs answer {@link PretrainedConfig#family()} with it.
 *
 * @param modelType config.json's model_type
 * @param configParser reads that family's config.json
 * @param basePrefix HF's {@code base_model_prefix} (the bare encoder's attribute: {@code bert}, {@code roberta}, ...)
 * @param layerPrefix the name prefix of layer {@code N}'s parameters before the index ({@code bert.encoder.layer.}),
 *     or null when layers share parameters (ALBERT): used to cut layers and to unfreeze the top ones
 * @param loraTargetModules PEFT's default target_modules for the family
 * @param sequenceClassification the {@code …ForSequenceClassification} class
 * @param maskedLM the {@code …ForMaskedLM} class, or null
 */
public record ModelFamily(
        String modelType,
        ConfigParser configParser,
        String basePrefix,
        String layerPrefix,
        List<String> loraTargetModules,
        ModelClass<? extends SequenceClassificationModel> sequenceClassification,
        ModelClass<? extends MaskedLMModel> maskedLM) {

    public ModelFamily {
        loraTargetModules = List.copyOf(loraTargetModules);
    }

    /** Parses a config.json object of this family; {@code source} names it in error messages. */
    @FunctionalInterface
    public interface ConfigParser {
        PretrainedConfig parse(ObjectNode json, String source);
    }

    public PretrainedConfig parseConfig(ObjectNode json, String source) {
        return configParser.parse(json, source);
    }

    /** The regex that matches the parameters of layers {@code ids} (for unfreezing), e.g. {@code ^bert\.encoder\.layer\.(10|11)\.}. */
    public String layerPattern(List<Integer> ids) {
        if (layerPrefix == null) {
            throw new io.finetune4j.BadInputException(modelType + " shares its layers' parameters; unfreeze by pattern instead of by layer");
        }
        return "^" + layerPrefix.replace(".", "\\.")
                + "(" + String.join("|", ids.stream().map(String::valueOf).toList()) + ")\\.";
    }

    /** The layer index of a parameter name, or -1. */
    public int layerIndex(String name) {
        if (layerPrefix == null || !name.startsWith(layerPrefix)) {
            return -1;
        }
        int end = name.indexOf('.', layerPrefix.length());
        try {
            return Integer.parseInt(name.substring(layerPrefix.length(), end < 0 ? name.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
