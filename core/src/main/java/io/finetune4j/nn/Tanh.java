package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;

/** torch's {@code nn.Tanh} (the pooler's activation). */
public final class Tanh extends Activation {
    @Override
    public NDArray forward(NDArray x) {
        return x.tanh();
    }
}
