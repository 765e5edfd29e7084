package io.finetune4j.models.electra;

import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code ElectraGeneratorPredictions}: dense (hidden → embedding_size), GELU, LayerNorm. */
public final class ElectraGeneratorPredictions extends Module {
    private final GELUActivation activation;
    private final TorchLayerNorm layerNorm;
    private final TorchLinear dense;

    ElectraGeneratorPredictions(ElectraConfig c, ParameterFactory f) {
        activation = register("activation", new GELUActivation());
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.embeddingSize(), c.bert().layerNormEps()));
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.embeddingSize()));
    }

    public Tensor forward(Tensor generatorHiddenStates) {
        return layerNorm.forward(activation.forward(dense.forward(generatorHiddenStates)));
    }
}
