package io.finetune4j.models.bert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertOnlyMLMHead}: holds the {@code predictions} head (the {@code cls.} name prefix). */
public final class BertOnlyMLMHead extends Module {
    private final BertLMPredictionHead predictions;

    BertOnlyMLMHead(BertConfig c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        predictions = register("predictions", f, p -> new BertLMPredictionHead(c, p, wordEmbeddings));
    }

    /** {@code [batch, seq, hidden]} → prediction scores {@code [batch, seq, vocab]}. */
    public Tensor forward(Tensor sequenceOutput) {
        return predictions.forward(sequenceOutput);
    }

    public BertLMPredictionHead predictions() {
        return predictions;
    }
}
