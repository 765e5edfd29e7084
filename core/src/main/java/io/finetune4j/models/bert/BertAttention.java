package io.finetune4j.models.bert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertAttention}: self-attention followed by its output block. */
public final class BertAttention extends Module {
    private final BertSelfAttention self;
    private final BertSelfOutput output;

    BertAttention(BertConfig c, ParameterFactory f) {
        self = register("self", f, p -> new BertSelfAttention(c, p));
        output = register("output", f, p -> new BertSelfOutput(c, p));
    }

    public Tensor forward(Tensor hidden, Tensor additiveMask, boolean training) {
        return output.forward(self.forward(hidden, additiveMask, training), hidden, training);
    }
}
