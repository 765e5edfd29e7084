package io.finetune4j.models.auto;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.torch.Device;
import java.nio.file.Path;

/** HF's {@code AutoModelForSequenceClassification}: the family's {@code …ForSequenceClassification} by config.json's model_type. */
public final class AutoModelForSequenceClassification {
    private AutoModelForSequenceClassification() {}

    public static SequenceClassificationModel fromPretrained(Path dir, LoadOptions options) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        return modelClass(config).fromPretrained(dir, config, options);
    }

    public static SequenceClassificationModel fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    /** HF's {@code from_config}: a randomly initialised model of the config's family. */
    public static SequenceClassificationModel fromConfig(PretrainedConfig config, long seed, Device device) {
        return modelClass(config).fromConfig(config, seed, device);
    }

    /** Parameter shapes without values: prints and counts without allocating (model show). */
    public static SequenceClassificationModel shapesOnly(PretrainedConfig config) {
        return modelClass(config).shapesOnly(config);
    }

    private static ModelClass<? extends SequenceClassificationModel> modelClass(PretrainedConfig config) {
        return ModelRegistry.family(config.modelType(), "config.json").sequenceClassification();
    }
}
