package io.finetune4j.models.bert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertOutput}: dense back to hidden_size, dropout, then LayerNorm of the residual sum. */
public final class BertOutput extends Module {
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    BertOutput(BertConfig c, ParameterFactory f) {
        this(c.intermediateSize(), c.hiddenSize(), c.layerNormEps(), c.hiddenDropoutProb(), f);
    }

    /** The same block for a family whose feed-forward ends as BERT's does (DeBERTa-v2 prints it as DebertaV2Output). */
    public BertOutput(int intermediateSize, int hiddenSize, double layerNormEps, double hiddenDropoutProb, ParameterFactory f) {
        dense = register("dense", f, p -> new TorchLinear(p, intermediateSize, hiddenSize));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, hiddenSize, layerNormEps));
        dropout = register("dropout", new TorchDropout(hiddenDropoutProb));
    }

    public Tensor forward(Tensor hidden, Tensor inputTensor, boolean training) {
        Tensor x = dropout.forward(dense.forward(hidden), training);
        return layerNorm.forward(x.add(inputTensor));
    }

}
