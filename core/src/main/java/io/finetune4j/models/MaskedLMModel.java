package io.finetune4j.models;

import io.finetune4j.nn.Losses;
import io.finetune4j.torch.Tensor;

/** What every family's {@code …ForMaskedLM} shares: HF's {@code forward(labels)} with cross-entropy over the non -100 labels. */
public abstract class MaskedLMModel extends PreTrainedModel {
    protected MaskedLMModel(PretrainedConfig config) {
        super(config);
    }

    @Deprecated
    protected MaskedLMModel(PretrainedConfig config, ai.djl.ndarray.NDManager manager) { super(config, manager); } // BRIDGE

    /** Prediction scores {@code [batch, seq, vocab]} for int64 inputs {@code [batch, seq]} (tokenTypeIds, attentionMask may be null). */
    public abstract Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training);

    /** @param labels int64 {@code [batch, seq]} with -100 where no prediction counts, or null */
    public MaskedLMOutput forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels, boolean training) {
        Tensor predictionScores = logits(inputIds, tokenTypeIds, attentionMask, training);
        Tensor maskedLmLoss = labels == null ? null : Losses.crossEntropy(predictionScores, labels, 0f);
        return new MaskedLMOutput(predictionScores, maskedLmLoss);
    }

    @Deprecated
    public ai.djl.ndarray.NDArray logits(ai.djl.ndarray.NDArray inputIds, ai.djl.ndarray.NDArray tokenTypeIds, ai.djl.ndarray.NDArray attentionMask, boolean training) { return logits(Tensor.wrap(inputIds), Tensor.wrap(tokenTypeIds), Tensor.wrap(attentionMask), training).nd(); } // BRIDGE

    @Deprecated
    public MaskedLMOutput forward(ai.djl.ndarray.NDArray inputIds, ai.djl.ndarray.NDArray tokenTypeIds, ai.djl.ndarray.NDArray attentionMask, ai.djl.ndarray.NDArray labels, boolean training) { return forward(Tensor.wrap(inputIds), Tensor.wrap(tokenTypeIds), Tensor.wrap(attentionMask), Tensor.wrap(labels), training); } // BRIDGE
}
