package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code LegacyDebertaV2PredictionHeadTransform}: dense to embedding_size, hidden_act, LayerNorm. */
public final class LegacyDebertaV2PredictionHeadTransform extends Module {
    private final TorchLinear dense;
    private final Activation transformActFn;
    private final TorchLayerNorm layerNorm;

    LegacyDebertaV2PredictionHeadTransform(DebertaV2Config c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.embeddingSize()));
        transformActFn = register("transform_act_fn", Activations.get(c.hiddenAct()));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.embeddingSize(), c.layerNormEps()));
    }

    public Tensor forward(Tensor hiddenStates) {
        hiddenStates = transformActFn.forward(dense.forward(hiddenStates));
        return layerNorm.forward(hiddenStates);
    }
}
