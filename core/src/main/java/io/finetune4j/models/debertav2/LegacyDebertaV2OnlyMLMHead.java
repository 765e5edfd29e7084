package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.torch.Tensor;

/** HF's {@code LegacyDebertaV2OnlyMLMHead} (config.legacy, the default): the {@code cls.predictions} head. */
public final class LegacyDebertaV2OnlyMLMHead extends Module {
    private final LegacyDebertaV2LMPredictionHead predictions;

    LegacyDebertaV2OnlyMLMHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        predictions = register("predictions", f, p -> new LegacyDebertaV2LMPredictionHead(c, p, wordEmbeddings));
    }

    public Tensor forward(Tensor sequenceOutput) {
        return predictions.forward(sequenceOutput);
    }
}
