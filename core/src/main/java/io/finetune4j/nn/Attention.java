package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Multi-head scaled dot-product attention with HF's additive padding mask, as the eager attention of HF's encoders computes it. */
public final class Attention {
    /** The most negative float32, HF's {@code torch.finfo(dtype).min}, added where the mask is 0. */
    public static final float FINFO_MIN = -Float.MAX_VALUE;

    private Attention() {}

    /** HF's {@code get_extended_attention_mask}: {@code (1 - mask) * finfo.min} shaped {@code [batch, 1, 1, seq]}; null stays null. */
    public static NDArray extendedAttentionMask(NDArray attentionMask) {
        if (attentionMask == null) {
            return null;
        }
        Shape s = attentionMask.getShape();
        return attentionMask.toType(DataType.FLOAT32, false).neg().add(1f).mul(FINFO_MIN).reshape(s.get(0), 1, 1, s.get(1));
    }

    /** {@code [batch, seq, heads·headDim]} → {@code [batch, heads, seq, headDim]}. */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** {@code [batch, heads, seq, headDim]} → {@code [batch, seq, heads·headDim]}. */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * {@code softmax(q·kᵀ/√headDim + mask)·v} with dropout on the probabilities, for {@code [batch, heads, seq, headDim]}
     * inputs; the result is {@code [batch, seq, heads·headDim]}. Scaling q instead of the scores is the same product on fewer elements.
     *
     * @param additiveMask {@code [batch, 1, 1, seq]} (0 keep, finfo.min drop) or null
     */
    public static NDArray scaledDotProduct(NDArray q, NDArray k, NDArray v, NDArray additiveMask, TorchDropout dropout, boolean training) {
        long headDim = q.getShape().get(3);
        NDArray scores = Autocast.matMul(Scalars.mul(q, 1.0 / Math.sqrt(headDim)), k.transpose(0, 1, 3, 2));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray probs = dropout.forward(scores.softmax(-1), training);
        return mergeHeads(Autocast.matMul(probs, v));
    }
}
