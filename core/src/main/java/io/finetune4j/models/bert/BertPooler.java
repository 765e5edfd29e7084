package io.finetune4j.models.bert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.Tanh;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertPooler}: dense + tanh on the first ([CLS]) position. */
public final class BertPooler extends Module {
    private final TorchLinear dense;
    private final Tanh activation;

    public BertPooler(BertConfig c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        activation = register("activation", new Tanh());
    }

    /** {@code [batch, seq, hidden]} → {@code [batch, hidden]} ({@code hidden_states[:, 0]}). */
    public Tensor forward(Tensor hidden) {
        Tensor firstTokenTensor = hidden.select(1, 0);
        return activation.forward(dense.forward(firstTokenTensor));
    }
}
