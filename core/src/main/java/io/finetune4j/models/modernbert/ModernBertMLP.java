package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;
import java.util.List;

/** HF's {@code ModernBertMLP}: GeGLU, {@code Wo(drop(act(input) · gate))} with {@code input, gate = Wi(x).chunk(2)}. */
public final class ModernBertMLP extends Module {
    private final TorchLinear wi;
    private final Activation act;
    private final TorchDropout drop;
    private final TorchLinear wo;

    ModernBertMLP(ModernBertConfig c, ParameterFactory f) {
        wi = register("Wi", f, p -> new TorchLinear(p, c.hiddenSize(), 2 * c.intermediateSize(), c.mlpBias()));
        act = register("act", Activations.get(c.hiddenActivation()));
        drop = register("drop", new TorchDropout(c.mlpDropout()));
        wo = register("Wo", f, p -> new TorchLinear(p, c.intermediateSize(), c.hiddenSize(), c.mlpBias()));
    }

    public Tensor forward(Tensor hiddenStates, boolean training) {
        List<Tensor> inputAndGate = wi.forward(hiddenStates).chunk(2, -1);
        Tensor input = act.forward(inputAndGate.get(0));
        Tensor gated = drop.forward(input.mul(inputAndGate.get(1)), training);
        return wo.forward(gated);
    }
}
