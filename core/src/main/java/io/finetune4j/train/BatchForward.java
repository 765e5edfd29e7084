package io.finetune4j.train;

import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.torch.Tensor;

/**
 * Logits of one collated batch: the whole model by default, or only its trainable top from cached frozen
 * features ({@link FrozenFeatures}).
 */
@FunctionalInterface
interface BatchForward {
    Tensor logits(DataCollatorWithPadding.Batch batch, boolean training);

    static BatchForward of(SequenceClassifier model) {
        return (b, training) -> model.logits(b.inputIds(), b.tokenTypeIds(), b.attentionMask(), training);
    }
}
