package io.finetune4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.nn.Losses;
import io.finetune4j.torch.Tensor;

/** What every family's {@code …ForMaskedLM} shares: HF's {@code forward(labels)} with cross-entropy over the non -100 labels. */
public abstract class MaskedLMModel extends PreTrainedModel {
    protected MaskedLMModel(PretrainedConfig config) {
        super(config);
    }

    @Deprecated
    protected MaskedLMModel(PretrainedConfig config, NDManager manager) { super(config, manager); } // BRIDGE

    /** Prediction scores {@code [batch, seq, vocab]} for int64 inputs {@code [batch, seq]} (tokenTypeIds, attentionMask may be null). */
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) { return Tensor.wrap(logits(nd(inputIds), nd(tokenTypeIds), nd(attentionMask), training)); } // BRIDGE (families not moved yet override the NDArray logits)

    /** @param labels int64 {@code [batch, seq]} with -100 where no prediction counts, or null */
    public MaskedLMOutput forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, Tensor labels, boolean training) {
        Tensor predictionScores = logits(inputIds, tokenTypeIds, attentionMask, training);
        Tensor maskedLmLoss = labels == null ? null : Tensor.wrap(Losses.crossEntropy(predictionScores.nd(), labels.nd(), 0f)); // BRIDGE
        return new MaskedLMOutput(predictionScores, maskedLmLoss);
    }

    @Deprecated
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) { return logits(Tensor.wrap(inputIds), Tensor.wrap(tokenTypeIds), Tensor.wrap(attentionMask), training).nd(); } // BRIDGE

    @Deprecated
    public MaskedLMOutput forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, NDArray labels, boolean training) { return forward(Tensor.wrap(inputIds), Tensor.wrap(tokenTypeIds), Tensor.wrap(attentionMask), Tensor.wrap(labels), training); } // BRIDGE

    @Deprecated
    private static NDArray nd(Tensor t) { return t == null ? null : t.nd(); } // BRIDGE
}
