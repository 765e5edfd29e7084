package io.finetune4j.models.albert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ModuleList;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code AlbertLayerGroup}: inner_group_num {@link AlbertLayer}s applied in order. */
public final class AlbertLayerGroup extends Module {
    private final ModuleList<AlbertLayer> albertLayers;

    AlbertLayerGroup(AlbertConfig c, ParameterFactory f) {
        albertLayers = register("albert_layers", f, p -> ModuleList.of(p, c.innerGroupNum(), q -> new AlbertLayer(c, q)));
    }

    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, boolean training) {
        for (AlbertLayer albertLayer : albertLayers.items()) {
            hiddenStates = albertLayer.forward(hiddenStates, attentionMask, training);
        }
        return hiddenStates;
    }
}
