package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;

/**
 * HF's {@code AlbertTransformer}: embedding_hidden_mapping_in (embedding_size → hidden_size), then num_hidden_layers
 * steps, step i running group {@code i / (num_hidden_layers / num_hidden_groups)}: layers share parameters.
 */
public final class AlbertTransformer extends Module {
    private final int numHiddenLayers;
    private final int layersPerGroup;
    private final TorchLinear embeddingHiddenMappingIn;
    private final ModuleList<AlbertLayerGroup> albertLayerGroups;

    AlbertTransformer(AlbertConfig c, ParameterFactory f) {
        numHiddenLayers = c.numHiddenLayers();
        layersPerGroup = c.numHiddenLayers() / c.numHiddenGroups();
        embeddingHiddenMappingIn = register("embedding_hidden_mapping_in", f, p -> new TorchLinear(p, c.embeddingSize(), c.hiddenSize()));
        albertLayerGroups = register("albert_layer_groups", f, p -> ModuleList.of(p, c.numHiddenGroups(), q -> new AlbertLayerGroup(c, q)));
    }

    public NDArray forward(NDArray embedded, NDArray additiveMask, boolean training) {
        NDArray h = embeddingHiddenMappingIn.forward(embedded);
        var groups = albertLayerGroups.items();
        for (int i = 0; i < numHiddenLayers; i++) {
            AlbertLayerGroup group = groups.get(i / layersPerGroup); // shared weights: their gradients add up over the steps
            h = GradientCheckpointing.layer(group, h, in -> group.forward(in, additiveMask, training));
        }
        return h;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return embeddingHiddenMappingIn.getOutputShapes(inputShapes);
    }
}
