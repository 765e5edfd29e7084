package io.finetune4j.models.auto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.PretrainedConfig;
import java.nio.file.Path;

/** HF's {@code AutoConfig}: reads config.json and parses it with the config of its {@code model_type}. */
public final class AutoConfig {
    private AutoConfig() {}

    /** Reads {@code dir/config.json} (or the file itself). */
    public static PretrainedConfig fromPretrained(Path dirOrFile) {
        Path file = java.nio.file.Files.isDirectory(dirOrFile) ? dirOrFile.resolve(PretrainedConfig.FILE_NAME) : dirOrFile;
        return fromJson(ConfigJson.read(dirOrFile), file.toString());
    }

    /** Parses a config.json object; {@code source} names it in error messages. */
    public static PretrainedConfig fromJson(ObjectNode json, String source) {
        // finetune4j has always read a config.json without model_type as BERT's (the original BERT configs have none).
        return ModelRegistry.family(json.path("model_type").asText("bert"), source).parseConfig(json, source);
    }
}
