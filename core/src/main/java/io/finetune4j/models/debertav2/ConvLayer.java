package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchConv1d;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code ConvLayer} (DeBERTa-v2 xlarge/xxlarge, conv_kernel_size > 0): after the first layer, a 1-d convolution
 * over the embedding output, zeroed at padding, dropout and conv_act, added to the layer's output and LayerNorm'd,
 * then zeroed at padding.
 */
public final class ConvLayer extends Module {
    private final TorchConv1d conv;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;
    private final Activation convAct;

    ConvLayer(DebertaV2Config c, ParameterFactory f) {
        int k = c.convKernelSize();
        conv = register("conv", f, p -> new TorchConv1d(p, c.hiddenSize(), c.hiddenSize(), k, (k - 1) / 2, c.convGroups()));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
        dropout = register("dropout", new TorchDropout(c.hiddenDropoutProb()));
        convAct = Activations.get(c.convAct()); // HF applies ACT2FN[conv_act]; it is no attribute
    }

    /**
     * @param hiddenStates the encoder's input (embedding output) {@code [batch, seq, hidden]}
     * @param residualStates the first layer's output
     * @param inputMask float32 {@code [batch, seq]}
     */
    public Tensor forward(Tensor hiddenStates, Tensor residualStates, Tensor inputMask, boolean training) {
        Tensor mask = inputMask.unsqueeze(-1);
        Tensor out = conv.forward(hiddenStates.permute(0, 2, 1)).permute(0, 2, 1);
        out = out.mul(mask); // HF's masked_fill_(~mask, 0)
        out = convAct.forward(dropout.forward(out, training));
        Tensor layerNormInput = residualStates.add(out);
        Tensor output = layerNorm.forward(layerNormInput);
        return output.mul(mask);
    }
}
