package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

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
    public static NDArray crossEntropy(NDArray logits, NDArray labels, float labelSmoothing) {
        long classes = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray logp = logits.reshape(-1, classes).logSoftmax(-1);
        NDArray flat = labels.toType(DataType.INT64, false).reshape(-1);
        NDArray valid = flat.neq(IGNORE_INDEX);
        NDArray validF = valid.toType(DataType.FLOAT32, false);
        NDArray safe = flat.mul(valid.toType(DataType.INT64, false)); // ignored rows pick class 0, then get weight 0
        NDArray nll = logp.gather(safe.reshape(-1, 1), 1).reshape(-1).neg();
        NDArray perExample = nll;
        if (labelSmoothing > 0f) {
            NDArray smooth = logp.mean(new int[] {-1}).neg();
            perExample = Scalars.mul(nll, 1f - labelSmoothing).add(Scalars.mul(smooth, labelSmoothing));
        }
        return perExample.mul(validF).sum().div(validF.sum().maximum(1f));
    }

    /** torch's {@code MSELoss} (regression, num_labels == 1). */
    public static NDArray mse(NDArray predictions, NDArray targets) {
        return predictions.reshape(-1).sub(targets.toType(DataType.FLOAT32, false).reshape(-1)).square().mean();
    }

    /** torch's {@code BCEWithLogitsLoss} (multi-label), in the numerically stable form. */
    public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray targets) {
        NDArray y = targets.toType(DataType.FLOAT32, false);
        return Scalars.maximum(logits, 0).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log()).mean();
    }
}
