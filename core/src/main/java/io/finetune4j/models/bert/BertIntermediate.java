package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code BertIntermediate}: dense to intermediate_size, then GELU. */
public final class BertIntermediate extends Module {
    private final TorchLinear dense;
    private final GELUActivation intermediateActFn;
    private final int intermediateSize;

    BertIntermediate(BertConfig c, ParameterFactory f) {
        intermediateSize = c.intermediateSize();
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.intermediateSize()));
        intermediateActFn = register("intermediate_act_fn", new GELUActivation());
    }

    public NDArray forward(NDArray hidden) {
        return intermediateActFn.forward(dense.forward(hidden));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(intermediateSize)};
    }
}
