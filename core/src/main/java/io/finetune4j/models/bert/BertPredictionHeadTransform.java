package io.finetune4j.models.bert;

import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertPredictionHeadTransform}: dense, GELU, LayerNorm. */
public final class BertPredictionHeadTransform extends Module {
    private final TorchLinear dense;
    private final GELUActivation transformActFn;
    private final TorchLayerNorm layerNorm;

    BertPredictionHeadTransform(BertConfig c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        transformActFn = register("transform_act_fn", new GELUActivation());
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
    }

    public Tensor forward(Tensor hidden) {
        return layerNorm.forward(transformActFn.forward(dense.forward(hidden)));
    }
}
