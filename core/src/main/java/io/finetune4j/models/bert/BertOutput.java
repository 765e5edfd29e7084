package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code BertOutput}: dense back to hidden_size, dropout, LayerNorm of the residual sum. */
public final class BertOutput extends Module {
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    BertOutput(BertConfig c, ParameterFactory f) {
        this(c.intermediateSize(), c.hiddenSize(), c.layerNormEps(), c.hiddenDropoutProb(), f);
    }

    /** The same block for a family whose layer ends as BERT's does (DeBERTa-v2 prints it as DebertaV2Output). */
    public BertOutput(int intermediateSize, int hiddenSize, double layerNormEps, double hiddenDropoutProb, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, intermediateSize, hiddenSize));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, hiddenSize, layerNormEps));
        dropout = register("dropout", new TorchDropout(hiddenDropoutProb));
    }

    public NDArray forward(NDArray intermediate, NDArray residual, boolean training) {
        return layerNorm.forward(dropout.forward(dense.forward(intermediate), training).add(residual));
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }
}
