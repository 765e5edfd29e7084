package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * An extra term a {@link TorchLinear} adds to its output (what PEFT's LoRA layer adds to its base layer).
 * The base weights stay untouched, so removing the adapter restores the original layer.
 */
@FunctionalInterface
public interface LinearAdapter {
    /** The term added to {@code x W^T + b}; same shape as the base output, in {@code x}'s manager. */
    NDArray delta(NDArray x);

    /** The adapter's own parameters (they are not in the module tree; gradient checkpointing asks whether one trains). */
    default java.util.List<io.finetune4j.nn.Parameter> parameters() {
        return java.util.List.of();
    }
}
