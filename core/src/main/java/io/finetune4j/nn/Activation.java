package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** An elementwise activation module (what HF's {@code ACT2FN[name]} returns); see {@link Activations}. */
public abstract class Activation extends Module {
    public abstract Tensor forward(Tensor x);

}
