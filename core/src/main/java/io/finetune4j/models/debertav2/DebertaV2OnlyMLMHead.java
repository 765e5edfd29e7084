package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.torch.Tensor;

/** HF's {@code DebertaV2OnlyMLMHead} (config.legacy false): the {@code lm_predictions.lm_head} head. */
public final class DebertaV2OnlyMLMHead extends Module {
    private final DebertaV2LMPredictionHead lmHead;

    DebertaV2OnlyMLMHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        lmHead = register("lm_head", f, p -> new DebertaV2LMPredictionHead(c, p, wordEmbeddings));
    }

    public Tensor forward(Tensor sequenceOutput) {
        return lmHead.forward(sequenceOutput);
    }
}
