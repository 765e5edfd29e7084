package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;

/** HF's {@code LegacyDebertaV2OnlyMLMHead} (config.legacy, the default): the {@code cls.predictions} head. */
public final class LegacyDebertaV2OnlyMLMHead extends Module {
    private final LegacyDebertaV2LMPredictionHead predictions;

    LegacyDebertaV2OnlyMLMHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        predictions = register("predictions", f, p -> new LegacyDebertaV2LMPredictionHead(c, p, wordEmbeddings));
    }

    public NDArray forward(NDArray hidden) {
        return predictions.forward(hidden);
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
