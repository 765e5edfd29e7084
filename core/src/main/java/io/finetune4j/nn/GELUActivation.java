package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;

/** HF's {@code GELUActivation}: exact GELU {@code x·½(1+erf(x/√2))} (libtorch's gelu with approximate='none'). */
public final class GELUActivation extends Activation {
    @Override
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }
}
