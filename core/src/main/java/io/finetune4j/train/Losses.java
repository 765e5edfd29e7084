package io.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Cross-entropy on logits, with HF's label smoothing ((1-ε)·nll + ε·mean over classes of -log p). */
final class Losses {
    private Losses() {}

    /** Per-row losses {@code [batch]} for logits {@code [batch, K]} and int64 labels {@code [batch]}. */
    static NDArray crossEntropy(NDArray logits, NDArray labels, double labelSmoothing) {
        int k = (int) logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(1);
        NDArray target = labels.oneHot(k).toType(DataType.FLOAT32, false);
        if (labelSmoothing > 0) {
            target = target.mul(1 - labelSmoothing).add(labelSmoothing / k);
        }
        return target.mul(logp).sum(new int[] {1}).neg();
    }
}
