package io.finetune4j.models.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;

/** HF's DistilBERT {@code Transformer}: n_layers {@link TransformerBlock}s in a {@code layer} list. */
public final class Transformer extends Module {
    private final ModuleList<TransformerBlock> layer;

    Transformer(DistilBertConfig c, ParameterFactory f) {
        layer = register("layer", f, p -> ModuleList.of(p, c.nLayers(), q -> new TransformerBlock(c, q)));
    }

    public NDArray forward(NDArray x, NDArray additiveMask, boolean training) {
        NDArray h = x;
        for (TransformerBlock block : layer.items()) {
            h = GradientCheckpointing.layer(block, h, in -> block.forward(in, additiveMask, training));
        }
        return h;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
