package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** HF's {@code GELUActivation}: exact GELU {@code x·½(1+erf(x/√2))} (libtorch's gelu with approximate='none'). */
public final class GELUActivation extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }
}
