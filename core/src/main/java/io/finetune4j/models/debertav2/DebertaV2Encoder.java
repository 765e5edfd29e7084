package io.finetune4j.models.debertav2;

import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Tensor;
import java.util.List;

/**
 * HF's {@code DebertaV2Encoder}: the layers, the relative position embeddings ({@code 2 · pos_ebd_size} rows,
 * LayerNorm'd when norm_rel_ebd has layer_norm) shared by all layers, and the optional ConvLayer after layer 0.
 */
public final class DebertaV2Encoder extends Module {
    private final DebertaV2Config c;
    private final ModuleList<DebertaV2Layer> layer;
    private final TorchEmbedding relEmbeddings;
    private final TorchLayerNorm layerNorm;
    private final ConvLayer conv;

    DebertaV2Encoder(DebertaV2Config c, ParameterFactory f) {
        this.c = c;
        layer = register("layer", f, p -> ModuleList.of(p, c.numHiddenLayers(), q -> new DebertaV2Layer(c, q)));
        relEmbeddings = c.relativeAttention()
                ? register("rel_embeddings", f, p -> new TorchEmbedding(p, 2 * c.posEbdSize(), c.hiddenSize(), null)) : null;
        layerNorm = c.normRelEmbeddings() ? register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps())) : null;
        conv = c.convKernelSize() > 0 ? register("conv", f, p -> new ConvLayer(c, p)) : null;
    }

    /** HF's {@code get_attention_mask}: {@code mask_i · mask_j} shaped {@code [batch, 1, seq, seq]}. */
    static Tensor getAttentionMask(Tensor attentionMask) {
        Tensor extendedAttentionMask = attentionMask.unsqueeze(1).unsqueeze(2); // [batch, 1, 1, seq]
        return extendedAttentionMask.mul(extendedAttentionMask.squeeze(-2).unsqueeze(-1));
    }

    /** HF's {@code get_rel_embedding}: the table, LayerNorm'd when norm_rel_ebd has layer_norm; null without relative attention. */
    Tensor getRelEmbedding() {
        if (relEmbeddings == null) {
            return null;
        }
        Tensor table = relEmbeddings.weight().data();
        return layerNorm == null ? table : layerNorm.forward(table);
    }

    /**
     * @param hiddenStates the embedding output {@code [batch, seq, hidden]}
     * @param inputMask float32 {@code [batch, seq]} (1 token, 0 padding)
     */
    public Tensor forward(Tensor hiddenStates, Tensor inputMask, boolean training) {
        int seq = (int) hiddenStates.size(1);
        Tensor attentionMask = getAttentionMask(inputMask);
        Tensor relEmbedding = getRelEmbedding();
        // every layer reads the table (and the conv the embeddings): under gradient checkpointing, through a leaf
        RelativePositions relativePos = relEmbedding == null ? null
                : RelativePositions.build(GradientCheckpointing.shared(relEmbedding), c, seq, hiddenStates.device());
        if (conv != null) {
            hiddenStates = GradientCheckpointing.shared(hiddenStates);
        }
        Tensor nextKv = hiddenStates;
        List<DebertaV2Layer> layers = layer.items();
        for (int i = 0; i < layers.size(); i++) {
            DebertaV2Layer layerModule = layers.get(i);
            Tensor outputStates = GradientCheckpointing.layer(layerModule, nextKv,
                    h -> layerModule.forward(h, attentionMask, relativePos, training));
            if (i == 0 && conv != null) {
                outputStates = conv.forward(hiddenStates, outputStates, inputMask, training);
            }
            nextKv = outputStates;
        }
        return nextKv;
    }


    public int numLayers() {
        return layer.size();
    }

    public List<DebertaV2Layer> layers() {
        return layer.items();
    }
}
