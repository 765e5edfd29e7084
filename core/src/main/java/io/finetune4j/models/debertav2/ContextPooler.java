package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code ContextPooler}: the first token, dropout (pooler_dropout), dense, pooler_hidden_act. */
public final class ContextPooler extends Module {
    private final TorchLinear dense;
    private final TorchDropout dropout;
    private final Activation act;
    private final int size;

    ContextPooler(DebertaV2Config c, ParameterFactory f) {
        size = c.poolerHiddenSize();
        dense = register("dense", f, p -> new TorchLinear(p, c.poolerHiddenSize(), c.poolerHiddenSize()));
        dropout = register("dropout", new TorchDropout(c.poolerDropout()));
        act = Activations.get(c.poolerHiddenAct()); // ACT2FN[...] in forward; no attribute in HF
    }

    /** {@code [batch, seq, hidden]} → {@code [batch, pooler_hidden_size]}. */
    public NDArray forward(NDArray hidden, boolean training) {
        NDArray first = hidden.get(":, 0, :");
        return act.forward(dense.forward(dropout.forward(first, training)));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), size)};
    }
}
