package io.finetune4j.models.roberta;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code RobertaClassificationHead}: on {@code <s>} (the first token): dropout, dense, tanh, dropout, out_proj. */
public final class RobertaClassificationHead extends Module {
    private final TorchLinear dense;
    private final TorchDropout dropout;
    private final TorchLinear outProj;

    RobertaClassificationHead(RobertaConfig c, ParameterFactory f) {
        int h = c.hiddenSize();
        dense = register("dense", f, p -> new TorchLinear(p, h, h));
        dropout = register("dropout", new TorchDropout(c.bert().effectiveClassifierDropout()));
        outProj = register("out_proj", f, p -> new TorchLinear(p, h, c.numLabels()));
    }

    /** {@code [batch, seq, hidden]} → logits {@code [batch, num_labels]}. */
    public Tensor forward(Tensor features, boolean training) {
        Tensor x = features.select(1, 0); // take <s> token (equiv. to [CLS])
        x = dropout.forward(x, training);
        x = dense.forward(x).tanh();
        x = dropout.forward(x, training);
        return outProj.forward(x);
    }
}
