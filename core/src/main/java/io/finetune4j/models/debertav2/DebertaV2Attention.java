package io.finetune4j.models.debertav2;

import io.finetune4j.models.bert.BertSelfOutput;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

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

    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, RelativePositions rel, boolean training) {
        Tensor selfOutput = self.forward(hiddenStates, attentionMask, rel, training);
        return output.forward(selfOutput, hiddenStates, training);
    }

    public DisentangledSelfAttention self() {
        return self;
    }
}
