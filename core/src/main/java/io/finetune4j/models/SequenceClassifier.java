package io.finetune4j.models;

import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the Trainer and the pipelines need from a classification model (every family's
 * {@code …ForSequenceClassification} and PEFT's LoraModel implement it). Parameters live on {@link #device()};
 * callers open a {@link io.finetune4j.torch.Scope} per step for inputs and activations.
 */
public interface SequenceClassifier extends AutoCloseable {
    /** Parameters by HF name ({@code bert.embeddings.word_embeddings.weight}, …, {@code classifier.bias} for BERT), in a stable order. */
    Map<String, Parameter> namedParameters();

    /**
     * Logits {@code [batch, num_labels]} (float32) for int64 inputs of shape {@code [batch, seq]}
     * (tokenTypeIds and attentionMask may be null). {@code training} turns dropout on. The result belongs to the
     * caller's scope.
     */
    Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training);

    /**
     * HF's {@code forward(input_ids, token_type_ids, attention_mask, labels)}: logits and, when {@code labels}
     * is given, the model's own loss (by problem_type).
     */
    default SequenceClassifierOutput forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels, boolean training) {
        Tensor logits = logits(inputIds, tokenTypeIds, attentionMask, training);
        return new SequenceClassifierOutput(logits, labels == null ? null : loss(logits, labels));
    }

    /** The model's mean loss for these logits and labels (what {@link #forward} returns with labels). */
    Tensor loss(Tensor logits, Tensor labels);

    /** The problem_type the loss follows for labels of this kind (HF's inference when config.json has none). */
    default String problemType(boolean integerLabels) {
        return SequenceClassificationModel.problemType(null, numLabels(), integerLabels);
    }

    /** config.json's problem_type as set, or null when absent (HF then infers it from the labels). */
    default String configProblemType() {
        return null;
    }

    int numLabels();

    /** Label names by id (from config.json's id2label; LABEL_i when absent). */
    Map<Integer, String> id2label();

    /** The device the parameters live on (inputs go there). */
    default Device device() {
        for (Parameter p : namedParameters().values()) {
            if (p.hasData()) {
                return p.data().device();
            }
        }
        return Device.cpu();
    }

    /** Writes config.json + model.safetensors (HF layout) into {@code dir}. */
    void savePretrained(Path dir);

    /**
     * HF's {@code save_pretrained(dir, safe_serialization=...)}: false writes the weights as torch.save of the state
     * dict ({@code pytorch_model.bin}, PEFT's {@code adapter_model.bin}) instead of safetensors.
     */
    default void savePretrained(Path dir, boolean safeSerialization) {
        if (!safeSerialization) {
            throw new io.finetune4j.BadInputException(getClass().getSimpleName() + " saves safetensors only; leave save_safetensors true");
        }
        savePretrained(dir);
    }

    /** Replaces parameter values by name; every parameter must be present with the same shape. */
    void loadWeights(Map<String, io.finetune4j.io.Tensor> weights);

    /**
     * Restores the weights {@link #savePretrained} wrote into {@code dir} (a Trainer checkpoint). Models
     * whose saved files are not a full HF checkpoint (PEFT adapters) override this.
     */
    default void loadCheckpoint(Path dir) {
        loadWeights(io.finetune4j.io.SafeTensors.readCheckpoint(dir));
    }

    /**
     * PEFT's {@code print_trainable_parameters()} line for what trains: "trainable params: 26,114 || all params:
     * 31,543,300 || trainable%: 0.0828" (the parameters that require a gradient, over all of them).
     */
    default String trainableParametersLine() {
        long all = 0;
        long train = 0;
        for (Parameter p : namedParameters().values()) {
            long n = 1;
            for (long d : p.shape()) {
                n *= d;
            }
            all += n;
            train += p.requiresGrad() ? n : 0;
        }
        return String.format(java.util.Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f", train, all,
                all == 0 ? 0.0 : 100.0 * train / all);
    }

    /** Current parameter values by HF name (copies on the heap). */
    Map<String, io.finetune4j.io.Tensor> stateDict();

    @Override
    void close();

    // ---- transition: the NDArray entry points other parts still call (removed after the move)

}
