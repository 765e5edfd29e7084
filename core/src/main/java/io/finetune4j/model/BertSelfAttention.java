package io.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * HF's {@code BertSelfAttention}: multi-head scaled dot-product attention. The additive mask
 * ({@code (1-mask)·finfo.min}, built once by {@link BertModel}) is added to the scores before softmax.
 */
public final class BertSelfAttention extends Module {
    private final int numHeads;
    private final int headDim;
    private final TorchLinear query;
    private final TorchLinear key;
    private final TorchLinear value;
    private final TorchDropout dropout;

    BertSelfAttention(BertConfig c, ParameterFactory f) {
        numHeads = c.numAttentionHeads();
        headDim = c.headDim();
        query = register("query", new TorchLinear(f.child("query"), c.hiddenSize(), c.hiddenSize()));
        key = register("key", new TorchLinear(f.child("key"), c.hiddenSize(), c.hiddenSize()));
        value = register("value", new TorchLinear(f.child("value"), c.hiddenSize(), c.hiddenSize()));
        dropout = register("dropout", new TorchDropout(c.attentionProbsDropoutProb()));
    }

    /**
     * @param hidden {@code [batch, seq, hidden]}
     * @param additiveMask {@code [batch, 1, 1, seq]} float (0 keep, finfo.min drop) or null
     * @return the context {@code [batch, seq, hidden]}
     */
    public NDArray forward(NDArray hidden, NDArray additiveMask, boolean training) {
        Shape s = hidden.getShape();
        long batch = s.get(0);
        long seq = s.get(1);
        // Scaling q instead of the scores is the same product, on fewer elements.
        NDArray q = Scalars.mul(heads(query.forward(hidden), batch, seq), 1.0 / Math.sqrt(headDim));
        NDArray k = heads(key.forward(hidden), batch, seq);
        NDArray v = heads(value.forward(hidden), batch, seq);
        NDArray scores = Autocast.matMul(q, k.transpose(0, 1, 3, 2)); // [batch, heads, seq, seq]
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray probs = dropout.forward(scores.softmax(-1), training);
        NDArray context = Autocast.matMul(probs, v); // [batch, heads, seq, headDim]
        return context.transpose(0, 2, 1, 3).reshape(batch, seq, (long) numHeads * headDim);
    }

    /** {@code [batch, seq, hidden]} → {@code [batch, heads, seq, headDim]}. */
    private NDArray heads(NDArray x, long batch, long seq) {
        return x.reshape(batch, seq, numHeads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
