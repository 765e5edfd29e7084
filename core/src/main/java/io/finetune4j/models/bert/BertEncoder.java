package io.finetune4j.models.bert;

import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertEncoder}: num_hidden_layers {@link BertLayer}s in a {@code layer} list. */
public final class BertEncoder extends Module {
    private final ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig c, ParameterFactory f) {
        layer = register("layer", f, p -> ModuleList.of(p, c.numHiddenLayers(), q -> new BertLayer(c, q)));
    }

    public Tensor forward(Tensor hidden, Tensor additiveMask, boolean training) {
        return forward(hidden, additiveMask, training, 0, layer.size());
    }

    /** Layers {@code from} (inclusive) to {@code to} (exclusive) only. */
    public Tensor forward(Tensor hidden, Tensor additiveMask, boolean training, int from, int to) {
        Tensor x = hidden;
        for (int i = from; i < to; i++) {
            BertLayer l = layer.items().get(i);
            x = GradientCheckpointing.layer(l, x, h -> l.forward(h, additiveMask, training));
        }
        return x;
    }

    public int numLayers() {
        return layer.size();
    }
}
