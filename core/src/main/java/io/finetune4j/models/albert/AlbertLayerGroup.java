package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code AlbertLayerGroup}: inner_group_num {@link AlbertLayer}s applied in order. */
public final class AlbertLayerGroup extends Module {
    private final ModuleList<AlbertLayer> albertLayers;

    AlbertLayerGroup(AlbertConfig c, ParameterFactory f) {
        albertLayers = register("albert_layers", f, p -> ModuleList.of(p, c.innerGroupNum(), q -> new AlbertLayer(c, q)));
    }

    public NDArray forward(NDArray x, NDArray additiveMask, boolean training) {
        NDArray h = x;
        for (AlbertLayer layer : albertLayers.items()) {
            h = layer.forward(h, additiveMask, training);
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
