package io.finetune4j.models;

import ai.djl.ndarray.NDArray;

/**
 * HF's {@code SequenceClassifierOutput}: logits {@code [batch, num_labels]} and, when labels were given, the
 * mean loss (a scalar); both in the inputs' manager.
 */
public record SequenceClassifierOutput(NDArray logits, NDArray loss) {
    public boolean hasLoss() {
        return loss != null;
    }
}
