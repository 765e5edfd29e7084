package io.finetune4j.models.modernbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;

/** HF's {@code ModernBertEncoderLayer}: pre-norm residual attention (no attn_norm on layer 0) and GeGLU MLP. */
public final class ModernBertEncoderLayer extends Module {
    private final Module attnNorm;
    private final ModernBertAttention attn;
    private final TorchLayerNorm mlpNorm;
    private final ModernBertMLP mlp;

    ModernBertEncoderLayer(ModernBertConfig c, ParameterFactory f, int layerId) {
        attnNorm = layerId == 0 ? register("attn_norm", new Identity())
                : register("attn_norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.normEps(), c.normBias()));
        attn = register("attn", f, p -> new ModernBertAttention(c, p));
        mlpNorm = register("mlp_norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.normEps(), c.normBias()));
        mlp = register("mlp", f, p -> new ModernBertMLP(c, p));
    }

    /** Intermediates are closed at the end of the scope (autograd keeps what backward needs), as in BertLayer. */
    public NDArray forward(NDArray x, NDArray cos, NDArray sin, NDArray mask, boolean training) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray normed = attnNorm instanceof TorchLayerNorm n ? n.forward(x) : x;
            NDArray h = x.add(attn.forward(normed, cos, sin, mask, training));
            out = h.add(mlp.forward(mlpNorm.forward(h), training));
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    public ModernBertAttention attn() {
        return attn;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        throw new UnsupportedOperationException("call forward(x, cos, sin, mask, training)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
