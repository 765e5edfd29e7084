package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.Tanh;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code BertPooler}: dense + tanh on the first ([CLS]) position. */
public final class BertPooler extends Module {
    private static final NDIndex FIRST_TOKEN = new NDIndex(":, 0");
    private final TorchLinear dense;
    private final Tanh activation;

    public BertPooler(BertConfig c, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        activation = register("activation", new Tanh());
    }

    /** {@code [batch, seq, hidden]} → {@code [batch, hidden]}. */
    public NDArray forward(NDArray hidden) {
        return activation.forward(dense.forward(hidden.get(FIRST_TOKEN)));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(2))};
    }
}
