package io.finetune4j.models.modernbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;

/** HF's {@code ModernBertEmbeddings}: token embeddings, LayerNorm (bias per norm_bias), dropout; no position embeddings (rotary). */
public final class ModernBertEmbeddings extends Module {
    private final int hidden;
    private final TorchEmbedding tokEmbeddings;
    private final TorchLayerNorm norm;
    private final TorchDropout drop;

    ModernBertEmbeddings(ModernBertConfig c, ParameterFactory f) {
        hidden = c.hiddenSize();
        tokEmbeddings = register("tok_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), c.hiddenSize(), c.padTokenId()));
        norm = register("norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.normEps(), c.normBias()));
        drop = register("drop", new TorchDropout(c.embeddingDropout()));
    }

    public NDArray forward(NDArray inputIds, boolean training) {
        return drop.forward(norm.forward(tokEmbeddings.forward(inputIds)), training);
    }

    public TorchEmbedding tokEmbeddings() {
        return tokEmbeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(hidden)};
    }
}
