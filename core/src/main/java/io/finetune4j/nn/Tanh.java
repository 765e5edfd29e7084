package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** torch's {@code nn.Tanh} (the pooler's activation). */
public final class Tanh extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
