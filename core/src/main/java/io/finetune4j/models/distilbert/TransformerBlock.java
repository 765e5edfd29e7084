package io.finetune4j.models.distilbert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Tensor;

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

    /** Frees its intermediates on return (see BertLayer); autograd keeps what backward needs. */
    public Tensor forward(Tensor x, Tensor attnMask, boolean training) {
        return Tensor.scoped(() -> {
            Tensor saOutput = attention.forward(x, attnMask, training);
            saOutput = saLayerNorm.forward(saOutput.add(x));
            Tensor ffnOutput = ffn.forward(saOutput, training);
            return outputLayerNorm.forward(ffnOutput.add(saOutput));
        });
    }
}
