package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;

/** HF's {@code BertOnlyMLMHead}: holds the {@code predictions} head (the {@code cls.} name prefix). */
public final class BertOnlyMLMHead extends Module {
    private final BertLMPredictionHead predictions;

    BertOnlyMLMHead(BertConfig c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        predictions = register("predictions", f, p -> new BertLMPredictionHead(c, p, wordEmbeddings));
    }

    public NDArray forward(NDArray hidden) {
        return predictions.forward(hidden);
    }

    public BertLMPredictionHead predictions() {
        return predictions;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return predictions.getOutputShapes(inputShapes);
    }
}
