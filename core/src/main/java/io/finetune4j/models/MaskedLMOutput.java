package io.finetune4j.models;

import io.finetune4j.torch.Tensor;

/** HF's {@code MaskedLMOutput}: scores {@code [batch, seq, vocab]} and, with labels, the mean loss over the non -100 labels. */
public record MaskedLMOutput(Tensor logits, Tensor loss) {
    public boolean hasLoss() {
        return loss != null;
    }
}
