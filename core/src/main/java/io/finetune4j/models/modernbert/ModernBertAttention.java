package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;
import java.util.List;

/**
 * HF's {@code ModernBertAttention}: one fused {@code Wqkv} projection, rotary embeddings on queries and keys,
 * scaled dot-product attention with an additive mask (padding, and on local layers also everything farther than
 * local_attention / 2), then {@code Wo} and out_drop. This is HF's padded (sdpa/eager) path; HF's unpadded
 * flash-attention path computes the same values for the real tokens. Eager or torch's sdpa as the model's
 * {@link AttnImplementation} says.
 */
public final class ModernBertAttention extends Module {
    private final int numHeads;
    private final int headDim;
    private final int allHeadSize;
    private final TorchLinear wqkv;
    private final TorchLinear wo;
    private final Module outDrop;
    private final TorchDropout attentionDropout;
    private final AttnImplementation attnImplementation;

    ModernBertAttention(ModernBertConfig c, ParameterFactory f) {
        numHeads = c.numAttentionHeads();
        headDim = c.headDim();
        allHeadSize = c.hiddenSize();
        wqkv = register("Wqkv", f, p -> new TorchLinear(p, c.hiddenSize(), 3 * c.hiddenSize(), c.attentionBias()));
        wo = register("Wo", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize(), c.attentionBias()));
        outDrop = register("out_drop", c.attentionDropout() > 0 ? new TorchDropout(c.attentionDropout()) : new Identity());
        attentionDropout = new TorchDropout(c.attentionDropout()); // F.dropout on the weights: no module in HF
        attnImplementation = f.attnImplementation();
    }

    /**
     * @param hiddenStates {@code [batch, seq, hidden]} (already attn_norm'd)
     * @param positionEmbeddings cos and sin {@code [seq, head_dim]} for this layer's theta
     * @param attentionMask additive float32, broadcastable to {@code [batch, heads, seq, seq]}, or null
     */
    public Tensor forward(Tensor hiddenStates, ModernBertRotaryEmbedding.CosSin positionEmbeddings, Tensor attentionMask, boolean training) {
        long bs = hiddenStates.size(0);
        long seqLen = hiddenStates.size(1);
        Tensor qkv = wqkv.forward(hiddenStates);
        qkv = qkv.reshape(bs, seqLen, 3, numHeads, headDim).permute(2, 0, 3, 1, 4); // [3, batch, heads, seq, head_dim]
        Tensor query = applyRotaryPosEmb(qkv.select(0, 0), positionEmbeddings);
        Tensor key = applyRotaryPosEmb(qkv.select(0, 1), positionEmbeddings);
        Tensor value = qkv.select(0, 2);

        // eager: softmax(q·kᵀ/√d + mask)·v; sdpa: the same through torch's fused kernel (the sliding window is just another additive mask)
        Tensor attnOutput = Attention.attention(query, key, value, attentionMask, attentionDropout, training, attnImplementation)
                .transpose(1, 2).reshape(bs, seqLen, allHeadSize);
        attnOutput = wo.forward(attnOutput);
        return outDrop instanceof TorchDropout d ? d.forward(attnOutput, training)
                : ((Identity) outDrop).forward(attnOutput);
    }

    /** HF's {@code apply_rotary_pos_emb}: {@code x·cos + rotate_half(x)·sin}. */
    static Tensor applyRotaryPosEmb(Tensor x, ModernBertRotaryEmbedding.CosSin positionEmbeddings) {
        return x.mul(positionEmbeddings.cos()).add(rotateHalf(x).mul(positionEmbeddings.sin()));
    }

    /** HF's {@code rotate_half}: the last dim's halves {@code [x1, x2]} → {@code [-x2, x1]}. */
    static Tensor rotateHalf(Tensor x) {
        List<Tensor> halves = x.chunk(2, -1);
        return Tensor.cat(List.of(halves.get(1).neg(), halves.get(0)), -1);
    }


    public TorchLinear wqkv() {
        return wqkv;
    }
}
