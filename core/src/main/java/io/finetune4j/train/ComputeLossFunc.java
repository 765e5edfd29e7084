package io.finetune4j.train;

import io.finetune4j.torch.Tensor;

/**
 * HF's Trainer(compute_loss_func=...): the loss of one batch from the model's logits and the labels,
 * replacing the model's own loss in training and evaluation. {@code numItemsInBatch} is the number of
 * rows in the whole optimizer step (all accumulated micro-batches); the result must be the batch's mean
 * loss, a scalar the Trainer weights by the batch's share of the step.
 */
@FunctionalInterface
public interface ComputeLossFunc {
    Tensor compute(Tensor logits, Tensor labels, int numItemsInBatch);
}
