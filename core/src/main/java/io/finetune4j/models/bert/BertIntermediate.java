package io.finetune4j.models.bert;

import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertIntermediate}: dense to intermediate_size, then GELU. */
public final class BertIntermediate extends Module {
    private final TorchLinear dense;
    private final GELUActivation intermediateActFn;

    BertIntermediate(BertConfig c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.intermediateSize()));
        intermediateActFn = register("intermediate_act_fn", new GELUActivation());
    }

    public Tensor forward(Tensor hidden) {
        return intermediateActFn.forward(dense.forward(hidden));
    }
}
