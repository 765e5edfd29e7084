package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;

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

    /**
     * @param hidden the embedding output {@code [batch, seq, hidden]}
     * @param mask float32 {@code [batch, seq]} (1 token, 0 padding)
     */
    public NDArray forward(NDArray hidden, NDArray mask, boolean training) {
        long batch = hidden.getShape().get(0);
        int seq = (int) hidden.getShape().get(1);
        // HF's get_attention_mask: mask_i · mask_j, shaped [batch, 1, seq, seq].
        NDArray pair = mask.reshape(batch, 1, 1, seq).mul(mask.reshape(batch, 1, seq, 1));
        RelativePositions rel = null;
        if (relEmbeddings != null) {
            NDArray table = relEmbeddings.weight().getArray();
            if (layerNorm != null) {
                table = layerNorm.forward(table);
            }
            // every layer reads the table (and the conv the embeddings): under gradient checkpointing, through a leaf
            rel = RelativePositions.build(hidden.getManager(), GradientCheckpointing.shared(table), c, seq);
        }
        if (conv != null) {
            hidden = GradientCheckpointing.shared(hidden);
        }
        RelativePositions positions = rel;
        NDArray x = hidden;
        for (int i = 0; i < layer.size(); i++) {
            DebertaV2Layer l = layer.items().get(i);
            x = GradientCheckpointing.layer(l, x, h -> l.forward(h, pair, positions, training));
            if (i == 0 && conv != null) {
                x = conv.forward(hidden, x, mask, training);
            }
        }
        return x;
    }

    public int numLayers() {
        return layer.size();
    }

    public java.util.List<DebertaV2Layer> layers() {
        return layer.items();
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
