package io.finetune4j.models.bert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertLMPredictionHead}: transform, then the decoder tied to the word embeddings plus its own bias. */
public final class BertLMPredictionHead extends Module {
    private final Parameter bias;
    private final BertPredictionHeadTransform transform;
    private final TiedDecoder decoder;

    BertLMPredictionHead(BertConfig c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        bias = register("bias", f.create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
        transform = register("transform", f, p -> new BertPredictionHeadTransform(c, p));
        decoder = register("decoder", new TiedDecoder(wordEmbeddings, bias, c.hiddenSize(), c.vocabSize()));
    }

    public Tensor forward(Tensor hidden) {
        return decoder.forward(transform.forward(hidden));
    }

    public TiedDecoder decoder() {
        return decoder;
    }
}
