package io.finetune4j.models.modernbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code ModernBertMLP}: GeGLU, {@code Wo(drop(act(input) · gate))} with {@code input, gate = Wi(x).chunk(2)}. */
public final class ModernBertMLP extends Module {
    private final int intermediate;
    private final TorchLinear wi;
    private final Activation act;
    private final TorchDropout drop;
    private final TorchLinear wo;

    ModernBertMLP(ModernBertConfig c, ParameterFactory f) {
        intermediate = c.intermediateSize();
        wi = register("Wi", f, p -> new TorchLinear(p, c.hiddenSize(), 2 * c.intermediateSize(), c.mlpBias()));
        act = register("act", Activations.get(c.hiddenActivation()));
        drop = register("drop", new TorchDropout(c.mlpDropout()));
        wo = register("Wo", f, p -> new TorchLinear(p, c.intermediateSize(), c.hiddenSize(), c.mlpBias()));
    }

    public NDArray forward(NDArray x, boolean training) {
        NDArray y = wi.forward(x);
        NDList chunks = y.split(new long[] {intermediate}, y.getShape().dimension() - 1);
        return wo.forward(drop.forward(act.forward(chunks.get(0)).mul(chunks.get(1)), training));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
