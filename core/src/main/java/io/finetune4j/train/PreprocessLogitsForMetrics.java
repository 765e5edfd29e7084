package io.finetune4j.train;

import io.finetune4j.torch.Tensor;

/**
 * HF's Trainer(preprocess_logits_for_metrics=...): called on each evaluation batch's logits (and its
 * labels, null when the data has none) before they are kept for compute_metrics; returns what to keep,
 * one row per example (e.g. only some classes' logits). The loss still uses the raw logits.
 */
@FunctionalInterface
public interface PreprocessLogitsForMetrics {
    Tensor apply(Tensor logits, Tensor labels);
}
