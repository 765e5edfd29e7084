package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code DebertaV2Output}: dense back to hidden_size, dropout, LayerNorm with the residual. */
public final class DebertaV2Output extends Module {
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    DebertaV2Output(DebertaV2Config c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.intermediateSize(), c.hiddenSize()));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
        dropout = register("dropout", new TorchDropout(c.hiddenDropoutProb()));
    }

    public NDArray forward(NDArray hidden, NDArray input, boolean training) {
        return layerNorm.forward(dropout.forward(dense.forward(hidden), training).add(input));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }
}
