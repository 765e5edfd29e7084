package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;

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

    public NDArray forward(NDArray x, NDArray additiveMask, boolean training) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray a = attention.forward(x, additiveMask, training);
            out = fullLayerLayerNorm.forward(ffnOutput.forward(activation.forward(ffn.forward(a))).add(a));
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
