package io.finetune4j.models.debertav2;

import io.finetune4j.models.bert.BertOutput;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

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

    /** Frees its intermediates on return (see BertLayer); autograd keeps what backward needs. */
    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, RelativePositions rel, boolean training) {
        return Tensor.scoped(() -> {
            Tensor attentionOutput = attention.forward(hiddenStates, attentionMask, rel, training);
            Tensor intermediateOutput = intermediate.forward(attentionOutput);
            return output.forward(intermediateOutput, attentionOutput, training);
        });
    }

    public DebertaV2Attention attention() {
        return attention;
    }
}
