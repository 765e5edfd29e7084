package io.finetune4j.models.debertav2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchConv1d;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;

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
     * @param hidden the encoder's input (embedding output) {@code [batch, seq, hidden]}
     * @param residual the first layer's output
     * @param mask float32 {@code [batch, seq]}
     */
    public NDArray forward(NDArray hidden, NDArray residual, NDArray mask, boolean training) {
        NDArray m = mask.expandDims(-1);
        NDArray out = conv.forward(hidden.transpose(0, 2, 1)).transpose(0, 2, 1).mul(m);
        out = convAct.forward(dropout.forward(out, training));
        return layerNorm.forward(residual.add(out)).mul(m);
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.get(1), inputs.get(2), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }
}
