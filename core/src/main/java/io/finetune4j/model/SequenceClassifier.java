package io.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.finetune4j.io.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the Trainer and the pipelines need from a classification model (BertForSequenceClassification
 * implements it). Parameters live in {@link #manager()}; callers open a child manager per step for
 * inputs and activations and close it after the step.
 */
public interface SequenceClassifier extends AutoCloseable {
    /** Parameters by HF name ({@code bert.embeddings.word_embeddings.weight}, …, {@code classifier.bias}), in a stable order. */
    Map<String, Parameter> namedParameters();

    /**
     * Logits {@code [batch, num_labels]} (float32) for int64 inputs of shape {@code [batch, seq]}.
     * {@code training} turns dropout on. The result belongs to the inputs' manager.
     */
    NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training);

    int numLabels();

    /** Label names by id (from config.json's id2label; LABEL_i when absent). */
    Map<Integer, String> id2label();

    /** The manager that owns the parameters (and fixes the device). */
    NDManager manager();

    /** Writes config.json + model.safetensors (HF layout) into {@code dir}. */
    void savePretrained(Path dir);

    /** Replaces parameter values by name; every parameter must be present with the same shape. */
    void loadWeights(Map<String, Tensor> weights);

    /**
     * Restores the weights {@link #savePretrained} wrote into {@code dir} (a Trainer checkpoint). Models
     * whose saved files are not a full HF checkpoint (PEFT adapters) override this.
     */
    default void loadCheckpoint(Path dir) {
        loadWeights(io.finetune4j.io.SafeTensors.readCheckpoint(dir));
    }

    /** Current parameter values by HF name (copies on the heap). */
    Map<String, Tensor> stateDict();

    @Override
    void close();
}
