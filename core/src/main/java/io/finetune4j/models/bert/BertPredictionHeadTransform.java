package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code BertPredictionHeadTransform}: dense, GELU, LayerNorm. */
public final class BertPredictionHeadTransform extends Module {
    private final TorchLinear dense;
    private final GELUActivation transformActFn;
    private final TorchLayerNorm layerNorm;

    BertPredictionHeadTransform(BertConfig c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        transformActFn = register("transform_act_fn", new GELUActivation());
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
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
