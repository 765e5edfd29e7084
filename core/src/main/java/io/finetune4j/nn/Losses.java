package io.finetune4j.nn;

import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/** The losses HF's BERT heads compute, with torch's semantics. */
public final class Losses {
    /** torch's {@code ignore_index}: labels equal to it do not count. */
    public static final long IGNORE_INDEX = -100;

    private Losses() {}

    /**
     * torch's {@code CrossEntropyLoss(ignore_index=-100, label_smoothing=s)} with mean reduction.
     *
     * @param logits {@code [n, classes]} (or {@code [..., classes]}, flattened)
     * @param labels int64 {@code [n]} (or matching leading dimensions); -100 entries are ignored
     * @param labelSmoothing in [0, 1): the target is {@code (1-s)·onehot + s/classes}
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels, float labelSmoothing) {
        long classes = logits.size(-1);
        Tensor logp = logits.reshape(-1, classes).logSoftmax(-1);
        Tensor flat = labels.to(DType.INT64).reshape(-1);
        Tensor valid = flat.ne(IGNORE_INDEX);
        Tensor validF = valid.to(DType.FLOAT32);
        Tensor safe = flat.mul(valid.to(DType.INT64)); // ignored rows pick class 0, then get weight 0
        Tensor nll = logp.gather(1, safe.reshape(-1, 1)).reshape(-1).neg();
        Tensor perExample = nll;
        if (labelSmoothing > 0f) {
            Tensor smooth = logp.mean(-1, false).neg();
            perExample = nll.mul(1f - labelSmoothing).add(smooth.mul(labelSmoothing));
        }
        return perExample.mul(validF).sum().div(validF.sum().maximum(1f));
    }

    /** torch's {@code MSELoss} (regression, num_labels == 1). */
    public static Tensor mse(Tensor predictions, Tensor targets) {
        return predictions.reshape(-1).sub(targets.to(DType.FLOAT32).reshape(-1)).square().mean();
    }

    /** torch's {@code BCEWithLogitsLoss} (multi-label), in the numerically stable form. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        Tensor y = targets.to(DType.FLOAT32);
        return logits.maximum(0).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log()).mean();
    }

}
