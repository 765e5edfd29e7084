package io.finetune4j.models.albert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.AttnImplementation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code AlbertAttention}: query/key/value, attention_dropout, then dense, output_dropout and LayerNorm(x + ·). */
public final class AlbertAttention extends Module {
    private final int numAttentionHeads;
    private final TorchDropout attentionDropout;
    private final AttnImplementation attnImplementation;
    private final TorchDropout outputDropout;
    private final TorchLinear query;
    private final TorchLinear key;
    private final TorchLinear value;
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;

    AlbertAttention(AlbertConfig c, ParameterFactory f) {
        numAttentionHeads = c.numAttentionHeads();
        int h = c.hiddenSize();
        attentionDropout = register("attention_dropout", new TorchDropout(c.attentionProbsDropoutProb()));
        attnImplementation = f.attnImplementation();
        outputDropout = register("output_dropout", new TorchDropout(c.hiddenDropoutProb()));
        query = register("query", f, p -> new TorchLinear(p, h, h));
        key = register("key", f, p -> new TorchLinear(p, h, h));
        value = register("value", f, p -> new TorchLinear(p, h, h));
        dense = register("dense", f, p -> new TorchLinear(p, h, h));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, h, c.layerNormEps()));
    }

    /** @param attentionMask additive {@code [batch, 1, 1, seq]} (0 keep, finfo.min drop) or null */
    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, boolean training) {
        Tensor queryLayer = Attention.splitHeads(query.forward(hiddenStates), numAttentionHeads);
        Tensor keyLayer = Attention.splitHeads(key.forward(hiddenStates), numAttentionHeads);
        Tensor valueLayer = Attention.splitHeads(value.forward(hiddenStates), numAttentionHeads);
        Tensor contextLayer = Attention.scaledDotProduct(queryLayer, keyLayer, valueLayer,
                attentionMask, attentionDropout, training, attnImplementation);
        Tensor projectedContextLayer = outputDropout.forward(dense.forward(contextLayer), training);
        return layerNorm.forward(hiddenStates.add(projectedContextLayer));
    }
}
