package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code ModernBertModel}: embeddings, {@code layers} (global attention every global_attn_every_n_layers,
 * sliding-window attention between), {@code final_norm}, and the rotary embedding tables.
 *
 * <p>HF unpads the batch for flash attention; this implementation keeps the padded batch and masks instead
 * (HF's sdpa/eager path), which gives the same hidden states at every real token.
 */
public final class ModernBertModel extends Module {
    private final ModernBertConfig c;
    private final ModernBertEmbeddings embeddings;
    private final ModuleList<ModernBertEncoderLayer> layers;
    private final TorchLayerNorm finalNorm;
    private final ModernBertRotaryEmbedding rotaryEmb;

    ModernBertModel(ModernBertConfig c, ParameterFactory f) {
        this.c = c;
        embeddings = register("embeddings", f, p -> new ModernBertEmbeddings(c, p));
        layers = register("layers", f, p -> {
            ModuleList<ModernBertEncoderLayer> list = new ModuleList<>();
            for (int i = 0; i < c.numHiddenLayers(); i++) {
                int layerId = i;
                list.add(p, q -> new ModernBertEncoderLayer(c, q, layerId));
            }
            return list;
        });
        finalNorm = register("final_norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.normEps(), c.normBias()));
        rotaryEmb = register("rotary_emb", new ModernBertRotaryEmbedding(c));
    }

    /**
     * The last hidden state {@code [batch, seq, hidden]} after final_norm.
     *
     * @param inputIds int64 {@code [batch, seq]}
     * @param attentionMask {@code [batch, seq]} 1 token / 0 padding, or null (all ones)
     */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, boolean training) {
        int seqLen = (int) inputIds.size(1);
        Device device = inputIds.device();
        // HF's _prepare_4d_attention_mask: (1 - mask) · finfo.min, [batch, 1, 1, seq]
        Tensor globalAttentionMask = attentionMask == null ? null
                : Attention.extendedAttentionMask(attentionMask);
        Tensor slidingWindowMask = null;
        Map<Double, ModernBertRotaryEmbedding.CosSin> positionEmbeddings = new HashMap<>(); // one (cos, sin) per theta
        Tensor hiddenStates = embeddings.forward(inputIds, training);
        List<ModernBertEncoderLayer> all = layers.items();
        for (int i = 0; i < all.size(); i++) {
            ModernBertRotaryEmbedding.CosSin cosSin = positionEmbeddings.computeIfAbsent(c.ropeTheta(i), theta -> rotaryEmb.forward(seqLen, theta, device));
            Tensor mask = globalAttentionMask;
            if (c.isLocal(i)) {
                if (slidingWindowMask == null) {
                    slidingWindowMask = slidingWindowMask(seqLen, globalAttentionMask, device);
                }
                mask = slidingWindowMask;
            }
            ModernBertEncoderLayer encoderLayer = all.get(i);
            Tensor layerMask = mask;
            hiddenStates = GradientCheckpointing.layer(encoderLayer, hiddenStates,
                    h -> encoderLayer.forward(h, cosSin, layerMask, training));
        }
        return finalNorm.forward(hiddenStates);
    }

    /** The global mask with finfo.min also where {@code |i - j| > local_attention / 2} (HF's sliding_window_mask). */
    private Tensor slidingWindowMask(int seqLen, Tensor globalAttentionMask, Device device) {
        int half = c.localAttention() / 2;
        float[] window = new float[seqLen * seqLen];
        for (int i = 0; i < seqLen; i++) {
            for (int j = 0; j < seqLen; j++) {
                window[i * seqLen + j] = Math.abs(i - j) <= half ? 0f : Attention.FINFO_MIN;
            }
        }
        Tensor windowMask = Tensor.of(window, 1, 1, seqLen, seqLen).to(device);
        return globalAttentionMask == null ? windowMask : globalAttentionMask.minimum(windowMask); // masked_fill: min stays min, never min + min
    }

    public ModernBertEmbeddings embeddings() {
        return embeddings;
    }

    public List<ModernBertEncoderLayer> layers() {
        return layers.items();
    }
}
