package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/** Finds a {@link ModelRuntime} by name: {@code torch} (libtorch) is built in, others come from {@link ModelRuntimeProvider}s on the class path. */
public final class ModelRuntimes {
    public static final String TORCH = "torch";
    /** The libtorch runtime's earlier name (finetune4j ran libtorch through DJL); still accepted. */
    public static final String LEGACY_DJL = "djl";

    private ModelRuntimes() {}

    /** Names of the runtimes on the class path, {@code torch} first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>(List.of(TORCH));
        for (ModelRuntimeProvider p : ServiceLoader.load(ModelRuntimeProvider.class)) {
            if (!names.contains(p.name())) {
                names.add(p.name());
            }
        }
        return names;
    }

    /** Opens the model in {@code dir} with the runtime called {@code name}. */
    public static ModelRuntime open(String name, Path dir, RuntimeOptions options) {
        String wanted = name == null ? TORCH : name.toLowerCase(Locale.ROOT);
        if (TORCH.equals(wanted) || LEGACY_DJL.equals(wanted)) {
            if (options.quantized()) {
                throw new BadInputException("--quantized needs an ONNX runtime (--runtime onnx); the torch runtime runs the float32 checkpoint");
            }
            return TorchRuntime.open(dir, options);
        }
        for (ModelRuntimeProvider p : ServiceLoader.load(ModelRuntimeProvider.class)) {
            if (p.name().equals(wanted)) {
                return p.open(dir, options);
            }
        }
        throw new BadInputException("unknown runtime '" + name + "'; available here: " + String.join(", ", available())
                + (wanted.equals("onnx") ? " (add finetune4j-onnx to the class path for onnx)" : ""));
    }
}
