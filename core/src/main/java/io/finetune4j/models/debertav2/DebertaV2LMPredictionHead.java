package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Autocast;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

/**
 * HF's {@code DebertaV2LMPredictionHead} (config.legacy false; DeBERTa's original head): dense, hidden_act, LayerNorm,
 * then the product with the word embeddings plus {@code bias}. It has no decoder module.
 */
public final class DebertaV2LMPredictionHead extends Module {
    private final Parameter bias;
    private final TorchLinear dense;
    private final Activation transformActFn;
    private final TorchLayerNorm layerNorm;
    private final TorchEmbedding wordEmbeddings;
    private final int vocabSize;

    DebertaV2LMPredictionHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        this.wordEmbeddings = wordEmbeddings;
        this.vocabSize = c.vocabSize();
        bias = register("bias", f.create("bias", new Shape(c.vocabSize()), ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        transformActFn = register("transform_act_fn", Activations.get(c.hiddenAct()));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
    }

    public NDArray forward(NDArray hidden) {
        NDArray h = layerNorm.forward(transformActFn.forward(dense.forward(hidden)));
        return Autocast.linear(h, wordEmbeddings.weight().getArray(), bias.getArray());
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(vocabSize)};
    }
}
