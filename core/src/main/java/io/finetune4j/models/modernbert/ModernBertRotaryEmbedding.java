package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Module;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code ModernBertRotaryEmbedding} (default rope type): {@code inv_freq_i = 1 / theta^(2i / head_dim)},
 * angles {@code position · inv_freq} repeated for both halves, cos and sin in float32 as HF computes them. It holds
 * no parameters; each layer type has its own theta (global_rope_theta for full attention, local_rope_theta for
 * sliding-window layers).
 */
public final class ModernBertRotaryEmbedding extends Module {
    /** What HF's forward returns: {@code (cos, sin)}, each {@code [seq, head_dim]}. */
    public record CosSin(Tensor cos, Tensor sin) {}

    private final int headDim;

    ModernBertRotaryEmbedding(ModernBertConfig c) {
        headDim = c.headDim();
    }

    /** {@code cos} and {@code sin} for positions {@code 0..seq-1} at {@code theta}, on {@code device}. */
    public CosSin forward(int seq, double theta, Device device) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            // float32 like torch: base ** (arange(0, dim, 2).float() / dim), then 1.0 / that
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        float[] cos = new float[seq * headDim];
        float[] sin = new float[seq * headDim];
        for (int p = 0; p < seq; p++) {
            for (int e = 0; e < headDim; e++) {
                float angle = (float) p * invFreq[e % half];
                cos[p * headDim + e] = (float) Math.cos(angle);
                sin[p * headDim + e] = (float) Math.sin(angle);
            }
        }
        return new CosSin(Tensor.of(cos, seq, headDim).to(device), Tensor.of(sin, seq, headDim).to(device));
    }
}
