package io.finetune4j.models.albert;

import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;
import java.util.List;

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

    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, boolean training) {
        hiddenStates = embeddingHiddenMappingIn.forward(hiddenStates);
        List<AlbertLayerGroup> groups = albertLayerGroups.items();
        for (int i = 0; i < numHiddenLayers; i++) {
            AlbertLayerGroup group = groups.get(i / layersPerGroup); // shared weights: their gradients add up over the steps
            hiddenStates = GradientCheckpointing.layer(group, hiddenStates,
                    h -> group.forward(h, attentionMask, training));
        }
        return hiddenStates;
    }
}
