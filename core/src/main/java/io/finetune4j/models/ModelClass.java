package io.finetune4j.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.finetune4j.io.Tensor;
import io.finetune4j.nn.ParameterFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One HF model class ({@code BertForSequenceClassification}, ...): how to build it from a config and
 * parameter factory, which checkpoint tensors it may ignore and how older checkpoint names map onto its own.
 *
 * @param name HF's class name (written to config.json's architectures, used in load messages)
 * @param ignorable checkpoint tensors that are not parameters (buffers such as position_ids, tied decoders)
 * @param renames maps a checkpoint's names (already normalised) onto this class's names
 */
public record ModelClass<M extends PreTrainedModel>(String name, Builder<M> builder, Set<String> ignorable,
        UnaryOperator<Map<String, Tensor>> renames) {

    public ModelClass(String name, Builder<M> builder, Set<String> ignorable) {
        this(name, builder, ignorable, UnaryOperator.identity());
    }

    /** Builds the module tree; every parameter is created once through {@code factory}. */
    @FunctionalInterface
    public interface Builder<M> {
        M build(PretrainedConfig config, NDManager manager, ParameterFactory factory);
    }

    /** HF's {@code from_pretrained}: config.json + safetensors weights; missing weights are initialised and reported. */
    public M fromPretrained(Path dir, LoadOptions options) {
        return PreTrainedModel.load(dir, options, this);
    }

    /** HF's {@code from_config}: random weights (normal(0, initializer_range), zero biases, LayerNorm 1/0). */
    public M fromConfig(PretrainedConfig config, long seed, Device device) {
        NDManager manager = PreTrainedModel.newManager(device);
        try {
            return builder.build(config, manager, ParameterFactory.random(manager, seed, config.initializerRange()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Shapes without values: prints and counts like the real model without allocating (model show). */
    public M shapesOnly(PretrainedConfig config) {
        return builder.build(config, null, ParameterFactory.shapesOnly());
    }
}
