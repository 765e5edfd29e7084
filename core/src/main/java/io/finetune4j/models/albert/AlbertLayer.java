package io.finetune4j.models.albert;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code AlbertLayer}: attention, then ffn → activation → ffn_output and full_layer_layer_norm(· + attention).
 * HF declares {@code dropout} but its forward does not apply it; neither does this.
 */
public final class AlbertLayer extends Module {
    private final TorchLayerNorm fullLayerLayerNorm;
    private final AlbertAttention attention;
    private final TorchLinear ffn;
    private final TorchLinear ffnOutput;
    private final Activation activation;

    AlbertLayer(AlbertConfig c, ParameterFactory f) {
        fullLayerLayerNorm = register("full_layer_layer_norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
        attention = register("attention", f, p -> new AlbertAttention(c, p));
        ffn = register("ffn", f, p -> new TorchLinear(p, c.hiddenSize(), c.intermediateSize()));
        ffnOutput = register("ffn_output", f, p -> new TorchLinear(p, c.intermediateSize(), c.hiddenSize()));
        activation = register("activation", Activations.get(c.hiddenAct()));
        register("dropout", new TorchDropout(c.hiddenDropoutProb()));
    }

    /** Frees its intermediates on return (see BertLayer); autograd keeps what backward needs. */
    public Tensor forward(Tensor hiddenStates, Tensor attentionMask, boolean training) {
        return Tensor.scoped(() -> {
            Tensor attentionOutput = attention.forward(hiddenStates, attentionMask, training);
            Tensor ffnOut = ffnOutput.forward(activation.forward(ffn.forward(attentionOutput)));
            return fullLayerLayerNorm.forward(ffnOut.add(attentionOutput));
        });
    }
}
