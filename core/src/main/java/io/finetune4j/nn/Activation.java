package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** An elementwise activation module (what HF's {@code ACT2FN[name]} returns); see {@link Activations}. */
public abstract class Activation extends Module {
    public abstract NDArray forward(NDArray x);

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
