package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.models.bert.BertOutput;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code DebertaV2Layer}: disentangled attention, then the feed-forward block. */
public final class DebertaV2Layer extends Module {
    private final DebertaV2Attention attention;
    private final DebertaV2Intermediate intermediate;
    private final BertOutput output;

    DebertaV2Layer(DebertaV2Config c, ParameterFactory f) {
        attention = register("attention", f, p -> new DebertaV2Attention(c, p));
        intermediate = register("intermediate", f, p -> new DebertaV2Intermediate(c, p));
        output = register("output", f, p -> {
            BertOutput o = new BertOutput(c.intermediateSize(), c.hiddenSize(), c.layerNormEps(), c.hiddenDropoutProb(), p);
            o.renameFamily("Bert", "DebertaV2");
            return o;
        });
    }

    /** Intermediates are closed at the end of the scope (autograd keeps what backward needs), as in BertLayer. */
    public NDArray forward(NDArray hidden, NDArray mask, RelativePositions rel, boolean training) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray attended = attention.forward(hidden, mask, rel, training);
            out = output.forward(intermediate.forward(attended), attended, training);
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    public DebertaV2Attention attention() {
        return attention;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        throw new UnsupportedOperationException("call forward(hidden, mask, rel, training)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
