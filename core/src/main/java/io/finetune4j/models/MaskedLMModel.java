package io.finetune4j.models;

import io.finetune4j.nn.Losses;
import io.finetune4j.torch.Tensor;

/** What every family's {@code …ForMaskedLM} shares: HF's {@code forward(labels)} with cross-entropy over the non -100 labels. */
public abstract class MaskedLMModel extends PreTrainedModel {
    protected MaskedLMModel(PretrainedConfig config) {
        super(config);
    }

    /** Prediction scores {@code [batch, seq, vocab]} for int64 inputs {@code [batch, seq]} (tokenTypeIds, attentionMask may be null). */
    public abstract Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training);

    /** @param labels int64 {@code [batch, seq]} with -100 where no prediction counts, or null */
    public MaskedLMOutput forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels, boolean training) {
        Tensor predictionScores = logits(inputIds, tokenTypeIds, attentionMask, training);
        Tensor maskedLmLoss = labels == null ? null : Losses.crossEntropy(predictionScores, labels, 0f);
        return new MaskedLMOutput(predictionScores, maskedLmLoss);
    }

}
