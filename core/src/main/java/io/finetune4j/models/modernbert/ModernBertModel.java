package io.finetune4j.models.modernbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
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
    public NDArray forward(NDArray inputIds, NDArray attentionMask, boolean training) {
        NDManager m = inputIds.getManager();
        int seq = (int) inputIds.getShape().get(1);
        NDArray globalMask = null;
        if (attentionMask != null) {
            globalMask = Attention.extendedAttentionMask(attentionMask); // HF's _prepare_4d_attention_mask: (1 - mask) · finfo.min
        }
        NDArray slidingMask = null;
        Map<Double, NDList> rope = new HashMap<>();
        NDArray x = embeddings.forward(inputIds, training);
        List<ModernBertEncoderLayer> all = layers.items();
        for (int i = 0; i < all.size(); i++) {
            NDList cs = rope.computeIfAbsent(c.ropeTheta(i), theta -> rotaryEmb.cosSin(m, seq, theta));
            NDArray mask = globalMask;
            if (c.isLocal(i)) {
                if (slidingMask == null) {
                    slidingMask = slidingWindowMask(m, seq, globalMask);
                }
                mask = slidingMask;
            }
            ModernBertEncoderLayer l = all.get(i);
            NDArray layerMask = mask;
            x = GradientCheckpointing.layer(l, x, h -> l.forward(h, cs.get(0), cs.get(1), layerMask, training));
        }
        return finalNorm.forward(x);
    }

    /** The global mask with finfo.min also where {@code |i - j| > local_attention / 2} (HF's sliding_window_mask). */
    private NDArray slidingWindowMask(NDManager m, int seq, NDArray globalMask) {
        int half = c.localAttention() / 2;
        float[] window = new float[seq * seq];
        for (int i = 0; i < seq; i++) {
            for (int j = 0; j < seq; j++) {
                window[i * seq + j] = Math.abs(i - j) <= half ? 0f : Attention.FINFO_MIN;
            }
        }
        NDArray w = m.create(window, new Shape(1, 1, seq, seq));
        return globalMask == null ? w : globalMask.minimum(w); // masked_fill: min stays min, never min + min
    }

    public ModernBertEmbeddings embeddings() {
        return embeddings;
    }

    public List<ModernBertEncoderLayer> layers() {
        return layers.items();
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 2 ? inputs.get(2) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(c.hiddenSize())};
    }
}
