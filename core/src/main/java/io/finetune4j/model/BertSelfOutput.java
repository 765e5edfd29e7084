package io.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** HF's {@code BertSelfOutput}: dense, dropout, then LayerNorm of the residual sum. */
public final class BertSelfOutput extends Module {
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    BertSelfOutput(BertConfig c, ParameterFactory f) {
        dense = register("dense", new TorchLinear(f.child("dense"), c.hiddenSize(), c.hiddenSize()));
        layerNorm = register("LayerNorm", new TorchLayerNorm(f.child("LayerNorm"), c.hiddenSize(), c.layerNormEps()));
        dropout = register("dropout", new TorchDropout(c.hiddenDropoutProb()));
    }

    public NDArray forward(NDArray hidden, NDArray residual, boolean training) {
        return layerNorm.forward(dropout.forward(dense.forward(hidden), training).add(residual));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
