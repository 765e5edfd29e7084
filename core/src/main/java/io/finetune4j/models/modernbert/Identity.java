package io.finetune4j.models.modernbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;

/** torch's {@code nn.Identity}: where HF puts no norm (layer 0's attn_norm) or no dropout (out_drop at p = 0). */
final class Identity extends Module {
    NDArray forward(NDArray x) {
        return x;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(inputs.head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
