package io.finetune4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Losses;

/** What every family's {@code …ForMaskedLM} shares: HF's {@code forward(labels)} with cross-entropy over the non -100 labels. */
public abstract class MaskedLMModel extends PreTrainedModel {
    protected MaskedLMModel(PretrainedConfig config, NDManager manager) {
        super(config, manager);
    }

    /** Prediction scores {@code [batch, seq, vocab]} for int64 inputs {@code [batch, seq]} (tokenTypeIds, attentionMask may be null). */
    public abstract NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training);

    /** @param labels int64 {@code [batch, seq]} with -100 where no prediction counts, or null */
    public MaskedLMOutput forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, NDArray labels, boolean training) {
        NDArray scores = logits(inputIds, tokenTypeIds, attentionMask, training);
        return new MaskedLMOutput(scores, labels == null ? null : Losses.crossEntropy(scores, labels, 0f));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        MaskedLMOutput out = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null,
                inputs.size() > 3 ? inputs.get(3) : null, training);
        return out.hasLoss() ? new NDList(out.logits(), out.loss()) : new NDList(out.logits());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
    }
}
