package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code BertSelfOutput}: dense, dropout, then LayerNorm of the residual sum. */
public final class BertSelfOutput extends Module {
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    BertSelfOutput(BertConfig c, ParameterFactory f) {
        this(c.hiddenSize(), c.layerNormEps(), c.hiddenDropoutProb(), f);
    }

    /** The same block for a family whose attention ends as BERT's does (DeBERTa-v2 prints it as DebertaV2SelfOutput). */
    public BertSelfOutput(int hiddenSize, double layerNormEps, double hiddenDropoutProb, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, hiddenSize, hiddenSize));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, hiddenSize, layerNormEps));
        dropout = register("dropout", new TorchDropout(hiddenDropoutProb));
    }

    public NDArray forward(NDArray hidden, NDArray residual, boolean training) {
        return layerNorm.forward(dropout.forward(dense.forward(hidden), training).add(residual));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
