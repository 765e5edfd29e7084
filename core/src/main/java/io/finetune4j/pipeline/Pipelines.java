package io.finetune4j.pipeline;

/**
 * HF's {@code pipeline(task, model=...)} entry points. Close what they return.
 *
 * <pre>{@code
 * try (TextClassificationPipeline classifier = Pipelines.textClassification("./results/checkpoint-3910")) {
 *     classifier.classify(List.of("I hate this movie", "i love this movie"));
 * }
 * }</pre>
 */
public final class Pipelines {
    private Pipelines() {}

    /** {@code pipeline("text-classification", model=modelPathOrName)}: tokenizer from the same folder, top_k 1. */
    public static TextClassificationPipeline textClassification(String modelPathOrName) {
        return TextClassificationPipeline.builder().model(modelPathOrName).build();
    }

    /**
     * The same on another runtime: {@code textClassification("./exported", "onnx")} runs a folder
     * written by {@code export onnx} on ONNX Runtime (finetune4j-onnx on the class path).
     */
    public static TextClassificationPipeline textClassification(String modelPathOrName, String runtime) {
        return TextClassificationPipeline.builder().model(modelPathOrName).runtime(runtime).build();
    }

    /** {@code pipeline("fill-mask", model=modelPathOrName)}: top_k 5, the default device. */
    public static FillMaskPipeline fillMask(String modelPathOrName) {
        return FillMaskPipeline.fromPretrained(modelPathOrName, FillMaskPipeline.DEFAULT_TOP_K, null);
    }
}
