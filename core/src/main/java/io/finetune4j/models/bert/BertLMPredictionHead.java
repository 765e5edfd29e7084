package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.nn.TorchEmbedding;

/** HF's {@code BertLMPredictionHead}: transform, then the decoder tied to the word embeddings plus its own bias. */
public final class BertLMPredictionHead extends Module {
    private final Parameter bias;
    private final BertPredictionHeadTransform transform;
    private final TiedDecoder decoder;

    BertLMPredictionHead(BertConfig c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        bias = register("bias", f.create("bias", new Shape(c.vocabSize()), ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
        transform = register("transform", f, p -> new BertPredictionHeadTransform(c, p));
        decoder = register("decoder", new TiedDecoder(wordEmbeddings, bias, c.hiddenSize(), c.vocabSize()));
    }

    /** {@code [batch, seq, hidden]} → prediction scores {@code [batch, seq, vocab]}. */
    public NDArray forward(NDArray hidden) {
        return decoder.forward(transform.forward(hidden));
    }

    public TiedDecoder decoder() {
        return decoder;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return decoder.getOutputShapes(inputShapes);
    }
}
