package io.finetune4j.models.bert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertLayer}: one transformer encoder layer (attention, then the feed-forward block). */
public final class BertLayer extends Module {
    private final BertAttention attention;
    private final BertIntermediate intermediate;
    private final BertOutput output;

    public BertLayer(BertConfig c, ParameterFactory f) {
        attention = register("attention", f, p -> new BertAttention(c, p));
        intermediate = register("intermediate", f, p -> new BertIntermediate(c, p));
        output = register("output", f, p -> new BertOutput(c, p));
    }

    /**
     * The intermediates are freed on return ({@link Tensor#scoped}): otherwise a forward would hold those of all
     * layers until the step ends (gigabytes at batch 64 × 160). Safe under autograd: libtorch's graph keeps its
     * own references to what backward needs.
     */
    public Tensor forward(Tensor hidden, Tensor additiveMask, boolean training) {
        return Tensor.scoped(() -> {
            Tensor attentionOutput = attention.forward(hidden, additiveMask, training);
            return output.forward(intermediate.forward(attentionOutput), attentionOutput, training);
        });
    }
}
