package io.finetune4j.models.electra;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code ElectraClassificationHead}: on the first token: dropout, dense, GELU, dropout, out_proj. */
public final class ElectraClassificationHead extends Module {
    private static final NDIndex FIRST_TOKEN = new NDIndex(":, 0");
    private final TorchLinear dense;
    private final GELUActivation activation;
    private final TorchDropout dropout;
    private final TorchLinear outProj;

    ElectraClassificationHead(ElectraConfig c, ParameterFactory f) {
        int h = c.hiddenSize();
        dense = register("dense", f, p -> new TorchLinear(p, h, h));
        activation = register("activation", new GELUActivation());
        dropout = register("dropout", new TorchDropout(c.bert().effectiveClassifierDropout()));
        outProj = register("out_proj", f, p -> new TorchLinear(p, h, c.numLabels()));
    }

    public NDArray forward(NDArray features, boolean training) {
        NDArray x = dropout.forward(features.get(FIRST_TOKEN), training);
        x = activation.forward(dense.forward(x));
        return outProj.forward(dropout.forward(x, training));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outProj.outFeatures())};
    }
}
