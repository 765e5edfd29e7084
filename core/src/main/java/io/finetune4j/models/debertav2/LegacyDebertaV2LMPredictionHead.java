package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.torch.Tensor;

/** HF's {@code LegacyDebertaV2LMPredictionHead}: transform, then the decoder tied to the word embeddings with its own bias. */
public final class LegacyDebertaV2LMPredictionHead extends Module {
    private final Parameter bias;
    private final LegacyDebertaV2PredictionHeadTransform transform;
    private final TiedDecoder decoder;

    LegacyDebertaV2LMPredictionHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        bias = register("bias", f.create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
        transform = register("transform", f, p -> new LegacyDebertaV2PredictionHeadTransform(c, p));
        decoder = register("decoder", new TiedDecoder(wordEmbeddings, bias, c.embeddingSize(), c.vocabSize()));
    }

    public Tensor forward(Tensor hiddenStates) {
        hiddenStates = transform.forward(hiddenStates);
        return decoder.forward(hiddenStates);
    }
}
