package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code DebertaV2Intermediate}: dense to intermediate_size, then hidden_act. */
public final class DebertaV2Intermediate extends Module {
    private final TorchLinear dense;
    private final Activation intermediateActFn;

    DebertaV2Intermediate(DebertaV2Config c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.intermediateSize()));
        intermediateActFn = register("intermediate_act_fn", Activations.get(c.hiddenAct()));
    }

    public Tensor forward(Tensor hiddenStates) {
        return intermediateActFn.forward(dense.forward(hiddenStates));
    }
}
