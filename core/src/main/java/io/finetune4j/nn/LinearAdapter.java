package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/**
 * An extra term a {@link TorchLinear} adds to its output (what PEFT's LoRA layer adds to its base layer).
 * The base weights stay untouched, so removing the adapter restores the original layer.
 */
public interface LinearAdapter {
    /** The term added to {@code x W^T + b}; same shape as the base output. */
    Tensor delta(Tensor x);

    /** The adapter's own parameters (they are not in the module tree; gradient checkpointing asks whether one trains). */
    default java.util.List<Parameter> parameters() {
        return java.util.List.of();
    }

}
