package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code AlbertAttention}: query/key/value, attention_dropout, then dense, output_dropout and LayerNorm(x + ·). */
public final class AlbertAttention extends Module {
    private final int heads;
    private final TorchDropout attentionDropout;
    private final TorchDropout outputDropout;
    private final TorchLinear query;
    private final TorchLinear key;
    private final TorchLinear value;
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;

    AlbertAttention(AlbertConfig c, ParameterFactory f) {
        heads = c.numAttentionHeads();
        int h = c.hiddenSize();
        attentionDropout = register("attention_dropout", new TorchDropout(c.attentionProbsDropoutProb()));
        outputDropout = register("output_dropout", new TorchDropout(c.hiddenDropoutProb()));
        query = register("query", f, p -> new TorchLinear(p, h, h));
        key = register("key", f, p -> new TorchLinear(p, h, h));
        value = register("value", f, p -> new TorchLinear(p, h, h));
        dense = register("dense", f, p -> new TorchLinear(p, h, h));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, h, c.layerNormEps()));
    }

    public NDArray forward(NDArray x, NDArray additiveMask, boolean training) {
        NDArray ctx = Attention.scaledDotProduct(Attention.splitHeads(query.forward(x), heads), Attention.splitHeads(key.forward(x), heads),
                Attention.splitHeads(value.forward(x), heads), additiveMask, attentionDropout, training);
        return layerNorm.forward(x.add(outputDropout.forward(dense.forward(ctx), training)));
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
