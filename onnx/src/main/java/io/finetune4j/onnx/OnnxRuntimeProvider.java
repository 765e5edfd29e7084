package io.finetune4j.onnx;

import io.finetune4j.pipeline.ModelRuntime;
import io.finetune4j.pipeline.ModelRuntimeProvider;
import io.finetune4j.pipeline.RuntimeOptions;
import java.nio.file.Path;

/** Registers {@code --runtime onnx} with the pipeline (META-INF/services). */
public final class OnnxRuntimeProvider implements ModelRuntimeProvider {
    @Override
    public String name() {
        return OnnxRuntimeModel.NAME;
    }

    @Override
    public ModelRuntime open(Path modelDir, RuntimeOptions options) {
        return OnnxRuntimeModel.open(modelDir, options);
    }
}
