package io.finetune4j.pipeline;

import java.util.Map;

/**
 * The model part of the text-classification pipeline: logits for a padded batch of token ids. The
 * pipeline owns everything around it (tokenizing, sorting by length, padding, windows, softmax,
 * labels, top_k), so every runtime behaves the same. {@link TorchRuntime} (libtorch) is
 * the default; other runtimes (ONNX Runtime in the {@code finetune4j-onnx} module) are found by
 * name through {@link ModelRuntimeProvider} and {@link java.util.ServiceLoader}.
 *
 * <p>{@link #logits} may be called from several threads at once.
 */
public interface ModelRuntime extends AutoCloseable {
    /** The runtime's name as {@code --runtime} spells it ({@code djl}, {@code onnx}). */
    String name();

    /**
     * Logits {@code [batch, numLabels]}, row-major, for row-major int64 inputs of shape
     * {@code [batch, sequenceLength]}; padded positions have attention mask 0.
     */
    float[] logits(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int batch, int sequenceLength);

    int numLabels();

    /** Label names by id (config.json's id2label). */
    Map<Integer, String> id2label();

    /** How many positions the model has (max_position_embeddings); {@link Integer#MAX_VALUE} when unknown. */
    int maxPositions();

    /** Number of weights (for /v1/model and logs); -1 when the runtime cannot tell. */
    long numParameters();

    /** Releases what the runtime holds. */
    @Override
    void close();
}
