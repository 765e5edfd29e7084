package io.finetune4j.models.distilbert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's DistilBERT {@code MultiHeadSelfAttention}: q_lin, k_lin, v_lin, dropout on the weights, out_lin. */
public final class MultiHeadSelfAttention extends Module {
    private final int nHeads;
    private final TorchDropout dropout;
    private final AttnImplementation attnImplementation;
    private final TorchLinear qLin;
    private final TorchLinear kLin;
    private final TorchLinear vLin;
    private final TorchLinear outLin;

    MultiHeadSelfAttention(DistilBertConfig c, ParameterFactory f) {
        nHeads = c.nHeads();
        int d = c.dim();
        dropout = register("dropout", new TorchDropout(c.attentionDropout()));
        attnImplementation = f.attnImplementation();
        qLin = register("q_lin", f, p -> new TorchLinear(p, d, d));
        kLin = register("k_lin", f, p -> new TorchLinear(p, d, d));
        vLin = register("v_lin", f, p -> new TorchLinear(p, d, d));
        outLin = register("out_lin", f, p -> new TorchLinear(p, d, d));
    }

    /** @param mask {@code [batch, 1, 1, seq]} additive (0 keep, finfo.min drop; HF's masked_fill gives the same softmax) or null */
    public Tensor forward(Tensor x, Tensor mask, boolean training) {
        Tensor q = Attention.splitHeads(qLin.forward(x), nHeads);
        Tensor k = Attention.splitHeads(kLin.forward(x), nHeads);
        Tensor v = Attention.splitHeads(vLin.forward(x), nHeads);
        Tensor context = Attention.scaledDotProduct(q, k, v, mask, dropout, training, attnImplementation);
        return outLin.forward(context);
    }
}
