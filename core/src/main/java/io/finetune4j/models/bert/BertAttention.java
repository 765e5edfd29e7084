package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code BertAttention}: self-attention followed by its output block. */
public final class BertAttention extends Module {
    private final BertSelfAttention self;
    private final BertSelfOutput output;

    BertAttention(BertConfig c, ParameterFactory f) {
        self = register("self", f, p -> new BertSelfAttention(c, p));
        output = register("output", f, p -> new BertSelfOutput(c, p));
    }

    public NDArray forward(NDArray hidden, NDArray additiveMask, boolean training) {
        return output.forward(self.forward(hidden, additiveMask, training), hidden, training);
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
