package io.finetune4j.models.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;

/** HF's DistilBERT {@code TransformerBlock}: attention, sa_layer_norm(· + x), ffn, output_layer_norm(· + ·) (post-LN). */
public final class TransformerBlock extends Module {
    private final MultiHeadSelfAttention attention;
    private final TorchLayerNorm saLayerNorm;
    private final FFN ffn;
    private final TorchLayerNorm outputLayerNorm;

    TransformerBlock(DistilBertConfig c, ParameterFactory f) {
        attention = register("attention", f, p -> new MultiHeadSelfAttention(c, p));
        saLayerNorm = register("sa_layer_norm", f, p -> new TorchLayerNorm(p, c.dim(), 1e-12));
        ffn = register("ffn", f, p -> new FFN(c, p));
        outputLayerNorm = register("output_layer_norm", f, p -> new TorchLayerNorm(p, c.dim(), 1e-12));
    }

    /** Closes its intermediates on return (see BertLayer); autograd keeps what backward needs. */
    public NDArray forward(NDArray x, NDArray additiveMask, boolean training) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray sa = saLayerNorm.forward(attention.forward(x, additiveMask, training).add(x));
            out = outputLayerNorm.forward(ffn.forward(sa, training).add(sa));
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
