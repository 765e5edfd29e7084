package io.finetune4j.pipeline;

import java.nio.file.Path;

/**
 * Opens a {@link ModelRuntime} from a model folder. Implementations register themselves in
 * {@code META-INF/services/io.finetune4j.pipeline.ModelRuntimeProvider}; {@link ModelRuntimes#open}
 * picks one by {@link #name()}.
 */
public interface ModelRuntimeProvider {
    /** The name users pass to {@code --runtime} / {@code builder.runtime(...)}. */
    String name();

    /** Loads the model in {@code modelDir}; bad folders throw {@link io.finetune4j.BadInputException}. */
    ModelRuntime open(Path modelDir, RuntimeOptions options);
}
