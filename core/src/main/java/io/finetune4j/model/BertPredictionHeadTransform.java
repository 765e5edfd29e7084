package io.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** HF's {@code BertPredictionHeadTransform}: dense, GELU, LayerNorm. */
public final class BertPredictionHeadTransform extends Module {
    private final TorchLinear dense;
    private final GELUActivation transformActFn;
    private final TorchLayerNorm layerNorm;

    BertPredictionHeadTransform(BertConfig c, ParameterFactory f) {
        dense = register("dense", new TorchLinear(f.child("dense"), c.hiddenSize(), c.hiddenSize()));
        transformActFn = register("transform_act_fn", new GELUActivation());
        layerNorm = register("LayerNorm", new TorchLayerNorm(f.child("LayerNorm"), c.hiddenSize(), c.layerNormEps()));
    }

    public NDArray forward(NDArray hidden) {
        return layerNorm.forward(transformActFn.forward(dense.forward(hidden)));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
