package io.finetune4j.models;

import ai.djl.ndarray.NDArray;

/** HF's {@code MaskedLMOutput}: scores {@code [batch, seq, vocab]} and, with labels, the mean loss over the non -100 labels. */
public record MaskedLMOutput(NDArray logits, NDArray loss) {
    public boolean hasLoss() {
        return loss != null;
    }
}
