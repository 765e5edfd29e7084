package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.models.bert.BertSelfOutput;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code DebertaV2Attention}: the disentangled {@code self} attention and its {@code output} block. */
public final class DebertaV2Attention extends Module {
    private final DisentangledSelfAttention self;
    private final BertSelfOutput output;

    DebertaV2Attention(DebertaV2Config c, ParameterFactory f) {
        self = register("self", f, p -> new DisentangledSelfAttention(c, p));
        output = register("output", f, p -> {
            BertSelfOutput o = new BertSelfOutput(c.hiddenSize(), c.layerNormEps(), c.hiddenDropoutProb(), p);
            o.renameFamily("Bert", "DebertaV2");
            return o;
        });
    }

    public NDArray forward(NDArray hidden, NDArray mask, RelativePositions rel, boolean training) {
        return output.forward(self.forward(hidden, mask, rel, training), hidden, training);
    }

    public DisentangledSelfAttention self() {
        return self;
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
