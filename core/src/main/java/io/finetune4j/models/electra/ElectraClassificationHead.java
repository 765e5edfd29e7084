package io.finetune4j.models.electra;

import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code ElectraClassificationHead}: on the first token: dropout, dense, GELU, dropout, out_proj. */
public final class ElectraClassificationHead extends Module {
    private final TorchLinear dense;
    private final GELUActivation activation;
    private final TorchDropout dropout;
    private final TorchLinear outProj;

    ElectraClassificationHead(ElectraConfig c, ParameterFactory f) {
        int h = c.hiddenSize();
        dense = register("dense", f, p -> new TorchLinear(p, h, h));
        activation = register("activation", new GELUActivation());
        dropout = register("dropout", new TorchDropout(c.bert().effectiveClassifierDropout()));
        outProj = register("out_proj", f, p -> new TorchLinear(p, h, c.numLabels()));
    }

    public Tensor forward(Tensor features, boolean training) {
        Tensor x = features.select(1, 0); // take <s> token (equiv. to [CLS])
        x = dropout.forward(x, training);
        x = activation.forward(dense.forward(x));
        x = dropout.forward(x, training);
        return outProj.forward(x);
    }
}
