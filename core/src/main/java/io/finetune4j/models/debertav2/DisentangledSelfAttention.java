package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Autocast;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.Scalars;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/**
 * HF's {@code DisentangledSelfAttention}: content→content scores plus, over relative distances, content→position
 * ({@code c2p}: query · projected relative embedding) and position→content ({@code p2c}: key · projected relative
 * embedding), each divided by {@code sqrt(head_size · scale_factor)} where scale_factor counts the terms. The
 * position projections are the query/key projections themselves when share_att_key (DeBERTa-v3), else
 * pos_key_proj / pos_query_proj. Masked scores are set to finfo.min (HF's masked_fill) before the softmax.
 */
public final class DisentangledSelfAttention extends Module {
    private final DebertaV2Config c;
    private final int numHeads;
    private final int headSize;
    private final TorchLinear queryProj;
    private final TorchLinear keyProj;
    private final TorchLinear valueProj;
    private final TorchDropout posDropout;
    private final TorchLinear posKeyProj;
    private final TorchLinear posQueryProj;
    private final TorchDropout dropout;

    DisentangledSelfAttention(DebertaV2Config c, ParameterFactory f) {
        this.c = c;
        numHeads = c.numAttentionHeads();
        headSize = c.attentionHeadSize();
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
     * @param hidden {@code [batch, seq, hidden]}
     * @param mask float32 {@code [batch, 1, seq, seq]}: 1 where query i may attend key j
     * @param rel the relative position tables of this forward (null without relative attention)
     * @return the context {@code [batch, seq, all_head_size]}
     */
    public NDArray forward(NDArray hidden, NDArray mask, RelativePositions rel, boolean training) {
        Shape s = hidden.getShape();
        long batch = s.get(0);
        long seq = s.get(1);
        NDArray q = heads(queryProj.forward(hidden), batch, seq);
        NDArray k = heads(keyProj.forward(hidden), batch, seq);
        NDArray v = heads(valueProj.forward(hidden), batch, seq);
        int scaleFactor = 1 + (c.c2p() ? 1 : 0) + (c.p2c() ? 1 : 0);
        double invScale = 1.0 / Math.sqrt((double) headSize * scaleFactor);
        NDArray scores = Scalars.mul(Autocast.matMul(q, k.transpose(0, 1, 3, 2)), invScale); // [batch, heads, seq, seq]
        if (rel != null) {
            NDArray relEmbeddings = posDropout.forward(rel.embeddings(), training); // [2 span, hidden]
            long span2 = relEmbeddings.getShape().get(0);
            if (c.c2p()) {
                NDArray posKey = posHeads((c.shareAttKey() ? keyProj : posKeyProj).forward(relEmbeddings), span2); // [1, heads, 2 span, d]
                NDArray c2p = Autocast.matMul(q, posKey.transpose(0, 1, 3, 2)); // [batch, heads, seq, 2 span]
                NDArray index = rel.c2pIndex().broadcast(batch, numHeads, seq, seq);
                scores = scores.add(Scalars.mul(c2p.gather(index, 3), invScale));
            }
            if (c.p2c()) {
                NDArray posQuery = posHeads((c.shareAttKey() ? queryProj : posQueryProj).forward(relEmbeddings), span2);
                NDArray p2c = Autocast.matMul(k, posQuery.transpose(0, 1, 3, 2)); // [batch, heads, seq (key), 2 span]
                NDArray index = rel.p2cIndex().broadcast(batch, numHeads, seq, seq);
                scores = scores.add(Scalars.mul(p2c.gather(index, 3).transpose(0, 1, 3, 2), invScale));
            }
        }
        // masked_fill(~mask, finfo.min) written as scores·mask + (1 - mask)·finfo.min: exactly the same values.
        scores = scores.mul(mask).add(mask.neg().add(1f).mul(Attention.FINFO_MIN));
        NDArray probs = dropout.forward(scores.softmax(-1), training);
        NDArray context = Autocast.matMul(probs, v); // [batch, heads, seq, d]
        return context.transpose(0, 2, 1, 3).reshape(batch, seq, (long) numHeads * headSize);
    }

    /** {@code [batch, seq, all]} → {@code [batch, heads, seq, d]}. */
    private NDArray heads(NDArray x, long batch, long seq) {
        return x.reshape(batch, seq, numHeads, headSize).transpose(0, 2, 1, 3);
    }

    /** {@code [2 span, all]} → {@code [1, heads, 2 span, d]} (broadcast over the batch, HF's repeat). */
    private NDArray posHeads(NDArray x, long span2) {
        return x.reshape(1, span2, numHeads, headSize).transpose(0, 2, 1, 3);
    }

    public TorchLinear queryProj() {
        return queryProj;
    }

    public TorchLinear valueProj() {
        return valueProj;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        throw new UnsupportedOperationException("DisentangledSelfAttention needs the relative positions; call forward(hidden, mask, rel, training)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), c.allHeadSize())};
    }
}
