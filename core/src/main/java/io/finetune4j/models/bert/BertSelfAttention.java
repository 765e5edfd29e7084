package io.finetune4j.models.bert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code BertSelfAttention}: multi-head scaled dot-product attention. The additive mask
 * ({@code (1-mask)·finfo.min}, built once by {@link BertModel}) is added to the scores before softmax
 * ({@link Attention#scaledDotProduct}), eagerly or through torch's fused sdpa as the model's {@link AttnImplementation} says.
 */
public final class BertSelfAttention extends Module {
    private final int numHeads;
    private final TorchLinear query;
    private final TorchLinear key;
    private final TorchLinear value;
    private final TorchDropout dropout;
    private final AttnImplementation attnImplementation;

    BertSelfAttention(BertConfig c, ParameterFactory f) {
        numHeads = c.numAttentionHeads();
        query = register("query", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        key = register("key", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        value = register("value", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        dropout = register("dropout", new TorchDropout(c.attentionProbsDropoutProb()));
        attnImplementation = f.attnImplementation();
    }

    /**
     * @param hidden {@code [batch, seq, hidden]}
     * @param additiveMask {@code [batch, 1, 1, seq]} float (0 keep, finfo.min drop) or null
     * @return the context {@code [batch, seq, hidden]}
     */
    public Tensor forward(Tensor hidden, Tensor additiveMask, boolean training) {
        Tensor q = Attention.splitHeads(query.forward(hidden), numHeads);
        Tensor k = Attention.splitHeads(key.forward(hidden), numHeads);
        Tensor v = Attention.splitHeads(value.forward(hidden), numHeads);
        return Attention.scaledDotProduct(q, k, v, additiveMask, dropout, training, attnImplementation);
    }
}
