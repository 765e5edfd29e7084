package io.finetune4j.nn;

import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/** Multi-head scaled dot-product attention with HF's additive padding mask, as the eager attention of HF's encoders computes it. */
public final class Attention {
    /** The most negative float32, HF's {@code torch.finfo(dtype).min}, added where the mask is 0. */
    public static final float FINFO_MIN = -Float.MAX_VALUE;

    private Attention() {}

    /** HF's {@code get_extended_attention_mask}: {@code (1 - mask) * finfo.min} shaped {@code [batch, 1, 1, seq]}; null stays null. */
    public static Tensor extendedAttentionMask(Tensor attentionMask) {
        if (attentionMask == null) {
            return null;
        }
        return attentionMask.to(DType.FLOAT32).neg().add(1).mul(FINFO_MIN).reshape(attentionMask.size(0), 1, 1, attentionMask.size(1));
    }

    /** {@code [batch, seq, heads·headDim]} → {@code [batch, heads, seq, headDim]}. */
    public static Tensor splitHeads(Tensor x, int heads) {
        long[] s = x.shape();
        return x.reshape(s[0], s[1], heads, s[2] / heads).permute(0, 2, 1, 3);
    }

    /** {@code [batch, heads, seq, headDim]} → {@code [batch, seq, heads·headDim]}. */
    public static Tensor mergeHeads(Tensor x) {
        long[] s = x.shape();
        return x.permute(0, 2, 1, 3).reshape(s[0], s[2], s[1] * s[3]);
    }

    /**
     * {@code softmax(q·kᵀ/√headDim + mask)·v} with dropout on the probabilities, for {@code [batch, heads, seq, headDim]}
     * inputs; the result is {@code [batch, seq, heads·headDim]}. Scaling q instead of the scores is the same product on fewer elements.
     *
     * @param additiveMask {@code [batch, 1, 1, seq]} (0 keep, finfo.min drop) or null
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor additiveMask, TorchDropout dropout, boolean training) {
        return mergeHeads(eager(q, k, v, additiveMask, dropout, training));
    }

    /**
     * Attention as the model's {@code attn_implementation} says now: {@link #eager} or torch's fused
     * {@code scaled_dot_product_attention} (same mask, same dropout probability); the result is {@code [batch, seq, heads·headDim]}.
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, Tensor additiveMask, TorchDropout dropout, boolean training,
            AttnImplementation impl) {
        return mergeHeads(attention(q, k, v, additiveMask, dropout, training, impl));
    }

    /** {@link #scaledDotProduct} before merging the heads: {@code [batch, heads, seq, headDim]}. */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor additiveMask, TorchDropout dropout, boolean training,
            AttnImplementation impl) {
        if (impl != null && impl.useSdpa(q)) {
            return Tensor.scaledDotProductAttention(q, k, v, additiveMask, dropout.p(), training);
        }
        return eager(q, k, v, additiveMask, dropout, training);
    }

    /** HF's {@code eager_attention_forward}: {@code softmax(q·kᵀ/√headDim + mask)·v}, {@code [batch, heads, seq, headDim]}. */
    public static Tensor eager(Tensor q, Tensor k, Tensor v, Tensor additiveMask, TorchDropout dropout, boolean training) {
        long headDim = q.size(3);
        Tensor scores = q.mul(1.0 / Math.sqrt(headDim)).matmul(k.permute(0, 1, 3, 2));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        Tensor probs = dropout.forward(scores.softmax(-1), training);
        return probs.matmul(v);
    }

}
