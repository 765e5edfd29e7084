package io.finetune4j.models;

import io.finetune4j.torch.Tensor;

/**
 * HF's {@code SequenceClassifierOutput}: logits {@code [batch, num_labels]} and, when labels were given, the
 * mean loss (a scalar); both in the caller's scope.
 */
public record SequenceClassifierOutput(Tensor logits, Tensor loss) {
    public boolean hasLoss() {
        return loss != null;
    }
}
