package io.finetune4j.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import io.finetune4j.nn.ParameterFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One HF model class ({@code BertForSequenceClassification}, ...): how to build it from a config and
 * parameter factory, which checkpoint tensors it may ignore and how older checkpoint names map onto its own.
 *
 * @param name HF's class name (written to config.json's architectures, used in load messages)
 * @param configParser reads the config.json this class loads (HF's {@code config_class}: {@code BertConfig::fromJson}, ...)
 * @param ignorable checkpoint tensors that are not parameters (buffers such as position_ids, tied decoders)
 * @param renames maps a checkpoint's names (already normalised) onto this class's names
 */
public record ModelClass<M extends PreTrainedModel>(String name, ModelFamily.ConfigParser configParser, Factory<M> factory,
        Set<String> ignorable, UnaryOperator<Map<String, Tensor>> renames) {

    public ModelClass(String name, ModelFamily.ConfigParser configParser, Factory<M> factory, Set<String> ignorable) {
        this(name, configParser, factory, ignorable, UnaryOperator.identity());
    }

    /** Builds the module tree from the config: every parameter is created once through {@code factory}, on its device. */
    @FunctionalInterface
    public interface Factory<M> {
        M build(PretrainedConfig config, ParameterFactory factory);
    }

    /** {@link Factory} with the manager families not moved yet pass to their base class (null: the model holds none). */
    /** Builds the module tree; its parameters come from {@code factory}, the model frees them in close(). */
    M build(PretrainedConfig config, ParameterFactory factory) {
        M model = this.factory.build(config, factory);
        model.attnImplementation = factory.attnImplementation();
        return model;
    }

    /**
     * HF's {@code from_pretrained}: config.json (read with this class's config parser) + safetensors weights; missing
     * weights are initialised and reported.
     */
    public M fromPretrained(Path dir, LoadOptions options) {
        return PreTrainedModel.load(dir, readConfig(dir), options, this);
    }

    /** {@code from_pretrained} with config.json already read (what the auto classes do after looking up the family). */
    public M fromPretrained(Path dir, PretrainedConfig config, LoadOptions options) {
        return PreTrainedModel.load(dir, config, options, this);
    }

    /**
     * {@code dir/config.json} (or the file itself) parsed by this class's config; a config.json of another model_type is
     * one line naming both.
     */
    public PretrainedConfig readConfig(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(PretrainedConfig.FILE_NAME) : dirOrFile;
        ObjectNode json = ConfigJson.read(dirOrFile);
        PretrainedConfig config = configParser.parse(json, file.toString());
        String declared = json.path("model_type").asText(config.modelType());
        if (!declared.equals(config.modelType())) {
            throw new BadInputException(file + " has model_type '" + declared + "' but " + name + " reads '" + config.modelType()
                    + "'; load the folder with AutoModelForSequenceClassification or AutoModelForMaskedLM");
        }
        return config;
    }

    /** HF's {@code from_config}: random weights (normal(0, initializer_range), zero biases, LayerNorm 1/0). */
    public M fromConfig(PretrainedConfig config, long seed, io.finetune4j.torch.Device device) {
        return build(config, ParameterFactory.random(PreTrainedModel.deviceOrDefault(device), seed, config.initializerRange()));
    }

    /** Shapes without values: prints and counts like the real model without allocating (model show). */
    public M shapesOnly(PretrainedConfig config) {
        return build(config, ParameterFactory.shapesOnly());
    }
}
