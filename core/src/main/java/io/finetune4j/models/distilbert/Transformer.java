package io.finetune4j.models.distilbert;

import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's DistilBERT {@code Transformer}: n_layers {@link TransformerBlock}s in a {@code layer} list. */
public final class Transformer extends Module {
    private final ModuleList<TransformerBlock> layer;

    Transformer(DistilBertConfig c, ParameterFactory f) {
        layer = register("layer", f, p -> ModuleList.of(p, c.nLayers(), q -> new TransformerBlock(c, q)));
    }

    public Tensor forward(Tensor x, Tensor attnMask, boolean training) {
        Tensor hiddenState = x;
        for (TransformerBlock block : layer.items()) {
            hiddenState = GradientCheckpointing.layer(block, hiddenState,
                    h -> block.forward(h, attnMask, training));
        }
        return hiddenState;
    }
}
