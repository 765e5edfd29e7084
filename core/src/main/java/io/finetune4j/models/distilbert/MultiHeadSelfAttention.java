package io.finetune4j.models.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/** HF's DistilBERT {@code MultiHeadSelfAttention}: q_lin, k_lin, v_lin, dropout on the weights, out_lin. */
public final class MultiHeadSelfAttention extends Module {
    private final int nHeads;
    private final TorchDropout dropout;
    private final TorchLinear qLin;
    private final TorchLinear kLin;
    private final TorchLinear vLin;
    private final TorchLinear outLin;

    MultiHeadSelfAttention(DistilBertConfig c, ParameterFactory f) {
        nHeads = c.nHeads();
        int d = c.dim();
        dropout = register("dropout", new TorchDropout(c.attentionDropout()));
        qLin = register("q_lin", f, p -> new TorchLinear(p, d, d));
        kLin = register("k_lin", f, p -> new TorchLinear(p, d, d));
        vLin = register("v_lin", f, p -> new TorchLinear(p, d, d));
        outLin = register("out_lin", f, p -> new TorchLinear(p, d, d));
    }

    /** @param additiveMask {@code [batch, 1, 1, seq]} (0 keep, finfo.min drop; HF's masked_fill gives the same softmax) or null */
    public NDArray forward(NDArray x, NDArray additiveMask, boolean training) {
        NDArray q = Attention.splitHeads(qLin.forward(x), nHeads);
        NDArray k = Attention.splitHeads(kLin.forward(x), nHeads);
        NDArray v = Attention.splitHeads(vLin.forward(x), nHeads);
        return outLin.forward(Attention.scaledDotProduct(q, k, v, additiveMask, dropout, training));
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
