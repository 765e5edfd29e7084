package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code ContextPooler}: the first token, dropout (pooler_dropout), dense, pooler_hidden_act. */
public final class ContextPooler extends Module {
    private final TorchLinear dense;
    private final TorchDropout dropout;
    private final Activation act;

    ContextPooler(DebertaV2Config c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.poolerHiddenSize(), c.poolerHiddenSize()));
        dropout = register("dropout", new TorchDropout(c.poolerDropout()));
        act = Activations.get(c.poolerHiddenAct()); // ACT2FN[...] in forward; no attribute in HF
    }

    /** {@code [batch, seq, hidden]} → {@code [batch, pooler_hidden_size]}. */
    public Tensor forward(Tensor hiddenStates, boolean training) {
        Tensor contextToken = hiddenStates.select(1, 0);
        contextToken = dropout.forward(contextToken, training);
        Tensor pooledOutput = dense.forward(contextToken);
        return act.forward(pooledOutput);
    }
}
