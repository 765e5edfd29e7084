package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Module;
import io.finetune4j.torch.Tensor;

/** torch's {@code nn.Identity}: where HF puts no norm (layer 0's attn_norm) or no dropout (out_drop at p = 0). */
final class Identity extends Module {
    Tensor forward(Tensor input) {
        return input;
    }
}
