package io.finetune4j.models.auto;

import io.finetune4j.BadInputException;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.torch.Device;
import java.nio.file.Path;

/** HF's {@code AutoModelForMaskedLM}: the family's {@code …ForMaskedLM} by config.json's model_type. */
public final class AutoModelForMaskedLM {
    private AutoModelForMaskedLM() {}

    public static MaskedLMModel fromPretrained(Path dir, LoadOptions options) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        return modelClass(config).fromPretrained(dir, config, options);
    }

    public static MaskedLMModel fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    public static MaskedLMModel fromConfig(PretrainedConfig config, long seed, Device device) {
        return modelClass(config).fromConfig(config, seed, device);
    }

    private static ModelClass<? extends MaskedLMModel> modelClass(PretrainedConfig config) {
        ModelFamily f = ModelRegistry.family(config.modelType(), "config.json");
        if (f.maskedLM() == null) {
            throw new BadInputException("model_type '" + config.modelType() + "' has no masked-LM head in finetune4j");
        }
        return f.maskedLM();
    }
}
