package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code ModernBertPredictionHead}: {@code norm(act(dense(x)))}, dense with classifier_bias. */
public final class ModernBertPredictionHead extends Module {
    private final TorchLinear dense;
    private final Activation act;
    private final TorchLayerNorm norm;

    ModernBertPredictionHead(ModernBertConfig c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize(), c.classifierBias()));
        act = register("act", Activations.get(c.classifierActivation()));
        norm = register("norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.normEps(), c.normBias()));
    }

    public Tensor forward(Tensor hiddenStates) {
        return norm.forward(act.forward(dense.forward(hiddenStates)));
    }
}
