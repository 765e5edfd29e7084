package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code DisentangledSelfAttention}: content→content scores plus, over relative distances, content→position
 * ({@code c2p}: query · projected relative embedding) and position→content ({@code p2c}: key · projected relative
 * embedding), each divided by {@code sqrt(head_size · scale_factor)} where scale_factor counts the terms. The
 * position projections are the query/key projections themselves when share_att_key (DeBERTa-v3), else
 * pos_key_proj / pos_query_proj. Masked scores are set to finfo.min (HF's masked_fill) before the softmax.
 */
public final class DisentangledSelfAttention extends Module {
    private final DebertaV2Config c;
    private final int numAttentionHeads;
    private final int attentionHeadSize;
    private final TorchLinear queryProj;
    private final TorchLinear keyProj;
    private final TorchLinear valueProj;
    private final TorchDropout posDropout;
    private final TorchLinear posKeyProj;
    private final TorchLinear posQueryProj;
    private final TorchDropout dropout;

    DisentangledSelfAttention(DebertaV2Config c, ParameterFactory f) {
        this.c = c;
        numAttentionHeads = c.numAttentionHeads();
        attentionHeadSize = c.attentionHeadSize();
        int all = c.allHeadSize();
        queryProj = register("query_proj", f, p -> new TorchLinear(p, c.hiddenSize(), all));
        keyProj = register("key_proj", f, p -> new TorchLinear(p, c.hiddenSize(), all));
        valueProj = register("value_proj", f, p -> new TorchLinear(p, c.hiddenSize(), all));
        if (c.relativeAttention()) {
            posDropout = register("pos_dropout", new TorchDropout(c.hiddenDropoutProb()));
            posKeyProj = !c.shareAttKey() && c.c2p() ? register("pos_key_proj", f, p -> new TorchLinear(p, c.hiddenSize(), all)) : null;
            posQueryProj = !c.shareAttKey() && c.p2c() ? register("pos_query_proj", f, p -> new TorchLinear(p, c.hiddenSize(), all)) : null;
        } else {
            posDropout = null;
            posKeyProj = null;
            posQueryProj = null;
        }
        dropout = register("dropout", new TorchDropout(c.attentionProbsDropoutProb()));
    }

    /**
     * @param hiddenStates {@code [batch, seq, hidden]}
     * @param attentionMask float32 {@code [batch, 1, seq, seq]}: 1 where query i may attend key j
     * @param rel the relative position tables of this forward (null without relative attention)
     * @return the context {@code [batch, seq, all_head_size]}
     */
    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, RelativePositions rel, boolean training) {
        long batch = hiddenStates.size(0);
        long seq = hiddenStates.size(1);
        Tensor queryLayer = transposeForScores(queryProj.forward(hiddenStates)); // [batch, heads, seq, d]
        Tensor keyLayer = transposeForScores(keyProj.forward(hiddenStates));
        Tensor valueLayer = transposeForScores(valueProj.forward(hiddenStates));

        int scaleFactor = 1 + (c.c2p() ? 1 : 0) + (c.p2c() ? 1 : 0);
        double invScale = 1.0 / Math.sqrt((double) attentionHeadSize * scaleFactor);
        Tensor attentionScores = queryLayer.matmul(keyLayer.transpose(2, 3)).mul(invScale); // [batch, heads, seq, seq]
        if (rel != null) {
            // HF's disentangled_attention_bias, each term added as it is computed
            Tensor relEmbeddings = posDropout.forward(rel.embeddings(), training); // [2 span, hidden]
            long attSpan2 = relEmbeddings.size(0);
            if (c.c2p()) {
                // content → position: query · pos_key, gathered at c2p_pos[q][k]
                Tensor posKeyLayer = posTransposeForScores((c.shareAttKey() ? keyProj : posKeyProj).forward(relEmbeddings), attSpan2);
                Tensor c2pAtt = queryLayer.matmul(posKeyLayer.transpose(2, 3)); // [batch, heads, seq, 2 span]
                c2pAtt = c2pAtt.gather(3, rel.c2pIndex().expand(batch, numAttentionHeads, seq, seq));
                attentionScores = attentionScores.add(c2pAtt.mul(invScale));
            }
            if (c.p2c()) {
                // position → content: key · pos_query, gathered at p2c_pos[k][q], then transposed to [q][k]
                Tensor posQueryLayer = posTransposeForScores((c.shareAttKey() ? queryProj : posQueryProj).forward(relEmbeddings), attSpan2);
                Tensor p2cAtt = keyLayer.matmul(posQueryLayer.transpose(2, 3)); // [batch, heads, seq (key), 2 span]
                p2cAtt = p2cAtt.gather(3, rel.p2cIndex().expand(batch, numAttentionHeads, seq, seq)).transpose(2, 3);
                attentionScores = attentionScores.add(p2cAtt.mul(invScale));
            }
        }
        // HF's masked_fill(~mask, finfo.min), written as scores·mask + (1 - mask)·finfo.min: exactly the same values
        attentionScores = attentionScores.mul(attentionMask).add(attentionMask.rsub(1).mul(Attention.FINFO_MIN));
        Tensor attentionProbs = attentionScores.softmax(-1);
        attentionProbs = dropout.forward(attentionProbs, training);
        Tensor contextLayer = attentionProbs.matmul(valueLayer); // [batch, heads, seq, d]
        return contextLayer.permute(0, 2, 1, 3).reshape(batch, seq, (long) numAttentionHeads * attentionHeadSize);
    }

    /** HF's {@code transpose_for_scores}: {@code [batch, seq, all]} → {@code [batch, heads, seq, d]}. */
    private Tensor transposeForScores(Tensor x) {
        return x.reshape(x.size(0), x.size(1), numAttentionHeads, attentionHeadSize).permute(0, 2, 1, 3);
    }

    /** {@code [2 span, all]} → {@code [1, heads, 2 span, d]} (broadcast over the batch, HF's repeat). */
    private Tensor posTransposeForScores(Tensor x, long attSpan2) {
        return x.reshape(1, attSpan2, numAttentionHeads, attentionHeadSize).permute(0, 2, 1, 3);
    }



    public TorchLinear queryProj() {
        return queryProj;
    }

    public TorchLinear valueProj() {
        return valueProj;
    }
}
