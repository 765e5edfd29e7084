package io.finetune4j.onnx;

import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.auto.AutoConfig;
import io.finetune4j.models.auto.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an exporter reads from a checkpoint folder: the typed config (core's family config, parsed strictly by
 * {@link AutoConfig}), the family's checkpoint names ({@link ModelFamily}) and the weights by HF name. It knows
 * nothing of the libtorch model classes, so the exporters follow HF's checkpoint layout only.
 */
public record ExportSource(Path dir, PretrainedConfig config, Map<String, Tensor> weights) {

    /** Reads {@code dir/config.json} and the safetensors weights (LayerNorm gamma/beta renamed to weight/bias). */
    public static ExportSource load(Path dir) {
        Path configFile = dir.resolve(PretrainedConfig.FILE_NAME);
        if (!Files.isRegularFile(configFile)) {
            throw new BadInputException("no config.json in " + dir + "; give a checkpoint folder (config.json, model.safetensors, tokenizer files)");
        }
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        Map<String, Tensor> raw = SafeTensors.readCheckpoint(dir);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        raw.forEach((name, t) -> {
            String n = name;
            if (n.endsWith(".gamma")) {
                n = n.substring(0, n.length() - ".gamma".length()) + ".weight";
            } else if (n.endsWith(".beta")) {
                n = n.substring(0, n.length() - ".beta".length()) + ".bias";
            }
            weights.put(n, t);
        });
        return new ExportSource(dir, config, weights);
    }

    /** config.json's model_type ({@code bert}, {@code roberta}, …). */
    public String modelType() {
        return config.modelType();
    }

    /** The family config an exporter reads (core's {@code BertConfig}, {@code DistilBertConfig}, …). */
    public <C extends PretrainedConfig> C config(Class<C> type) {
        if (!type.isInstance(config)) {
            throw new BadInputException(configFile() + " has model_type '" + config.modelType() + "', not the " + type.getSimpleName()
                    + " this exporter reads");
        }
        return type.cast(config);
    }

    /** The registry entry of the model type: checkpoint prefixes and layer names. */
    public ModelFamily family() {
        return ModelRegistry.family(config.modelType(), configFile().toString());
    }

    /** The checkpoint name prefix of the bare encoder ({@code bert}, {@code roberta}, {@code model}, …). */
    public String base() {
        return family().basePrefix();
    }

    /** The checkpoint name of encoder layer {@code i} ({@code bert.encoder.layer.3}), from the family's layer prefix. */
    public String layer(int i) {
        return family().layerPrefix() + i;
    }

    public Path configFile() {
        return dir.resolve(PretrainedConfig.FILE_NAME);
    }

    public boolean has(String name) {
        return weights.containsKey(name);
    }

    /** A weight as float32 with its expected shape checked. */
    public float[] floats(String name, long... shape) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new BadInputException(dir + " has no weight '" + name + "'; export needs a sequence-classification checkpoint of its "
                    + "model_type (e.g. one the Trainer saved)");
        }
        if (shape.length > 0 && !Arrays.equals(shape, t.shape())) {
            throw new BadInputException("weight '" + name + "' in " + dir + " has shape " + Arrays.toString(t.shape()) + " but config.json implies "
                    + Arrays.toString(shape) + "; the checkpoint and its config.json do not match");
        }
        return t.toFloats();
    }

    public long[] shape(String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new BadInputException(dir + " has no weight '" + name + "'; export needs a sequence-classification checkpoint");
        }
        return t.shape().clone();
    }
}
