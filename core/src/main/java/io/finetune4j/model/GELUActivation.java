package io.finetune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** HF's {@code GELUActivation}: exact GELU {@code x·½(1+erf(x/√2))} (libtorch's gelu with approximate='none'). */
public final class GELUActivation extends Module {
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().gelu();
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
