package io.finetune4j.models.modernbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Autocast;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.Scalars;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/**
 * HF's {@code ModernBertAttention}: one fused {@code Wqkv} projection, rotary embeddings on queries and keys,
 * scaled dot-product attention with an additive mask (padding, and on local layers also everything farther than
 * local_attention / 2), then {@code Wo} and out_drop. This is HF's padded (sdpa/eager) path; HF's unpadded
 * flash-attention path computes the same values for the real tokens.
 */
public final class ModernBertAttention extends Module {
    private final int numHeads;
    private final int headDim;
    private final int hidden;
    private final TorchLinear wqkv;
    private final TorchLinear wo;
    private final Module outDrop;
    private final TorchDropout attentionDropout;

    ModernBertAttention(ModernBertConfig c, ParameterFactory f) {
        numHeads = c.numAttentionHeads();
        headDim = c.headDim();
        hidden = c.hiddenSize();
        wqkv = register("Wqkv", f, p -> new TorchLinear(p, c.hiddenSize(), 3 * c.hiddenSize(), c.attentionBias()));
        wo = register("Wo", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize(), c.attentionBias()));
        outDrop = register("out_drop", c.attentionDropout() > 0 ? new TorchDropout(c.attentionDropout()) : new Identity());
        attentionDropout = new TorchDropout(c.attentionDropout()); // F.dropout on the weights: no module in HF
    }

    /**
     * @param x {@code [batch, seq, hidden]} (already attn_norm'd)
     * @param cos {@code [seq, head_dim]} for this layer's theta
     * @param mask additive float32, broadcastable to {@code [batch, heads, seq, seq]}
     */
    public NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, boolean training) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long seq = s.get(1);
        NDArray qkv = wqkv.forward(x).reshape(batch, seq, 3, numHeads, headDim).transpose(2, 0, 3, 1, 4); // [3, b, h, s, d]
        NDArray q = rotary(qkv.get(0), cos, sin);
        NDArray k = rotary(qkv.get(1), cos, sin);
        NDArray v = qkv.get(2);
        NDArray scores = Scalars.mul(Autocast.matMul(q, k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(headDim));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray probs = attentionDropout.forward(scores.softmax(-1), training);
        NDArray context = Autocast.matMul(probs, v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden);
        NDArray out = wo.forward(context);
        return outDrop instanceof TorchDropout d ? d.forward(out, training) : out;
    }

    /** HF's apply_rotary_pos_emb: {@code x·cos + rotate_half(x)·sin}, rotate_half = {@code [-x2, x1]}. */
    private NDArray rotary(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(new long[] {headDim / 2}, 3); // x is [batch, heads, seq, head_dim]
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), 3);
        return x.mul(cos).add(rotated.mul(sin));
    }

    public TorchLinear wqkv() {
        return wqkv;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        throw new UnsupportedOperationException("call forward(x, cos, sin, mask, training)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
