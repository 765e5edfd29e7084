package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;

/** HF's {@code DebertaV2OnlyMLMHead} (config.legacy false): the {@code lm_predictions.lm_head} head. */
public final class DebertaV2OnlyMLMHead extends Module {
    private final DebertaV2LMPredictionHead lmHead;

    DebertaV2OnlyMLMHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        lmHead = register("lm_head", f, p -> new DebertaV2LMPredictionHead(c, p, wordEmbeddings));
    }

    public NDArray forward(NDArray hidden) {
        return lmHead.forward(hidden);
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return lmHead.getOutputShapes(inputShapes);
    }
}
