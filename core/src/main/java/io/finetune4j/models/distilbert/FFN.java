package io.finetune4j.models.distilbert;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's DistilBERT {@code FFN}: lin1, activation, lin2, dropout. */
public final class FFN extends Module {
    private final TorchDropout dropout;
    private final TorchLinear lin1;
    private final TorchLinear lin2;
    private final Activation activation;

    FFN(DistilBertConfig c, ParameterFactory f) {
        dropout = register("dropout", new TorchDropout(c.dropout()));
        lin1 = register("lin1", f, p -> new TorchLinear(p, c.dim(), c.hiddenDim()));
        lin2 = register("lin2", f, p -> new TorchLinear(p, c.hiddenDim(), c.dim()));
        activation = register("activation", Activations.get(c.activation()));
    }

    public Tensor forward(Tensor input, boolean training) {
        Tensor x = activation.forward(lin1.forward(input));
        x = lin2.forward(x);
        return dropout.forward(x, training);
    }
}
