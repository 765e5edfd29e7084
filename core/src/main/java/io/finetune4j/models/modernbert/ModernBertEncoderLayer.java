package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Tensor;

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

    /** Frees its intermediates on return (see BertLayer); autograd keeps what backward needs. */
    public Tensor forward(Tensor hiddenStates, ModernBertRotaryEmbedding.CosSin positionEmbeddings, Tensor attentionMask, boolean training) {
        return Tensor.scoped(() -> {
            Tensor attnOutput = attn.forward(attnNorm(hiddenStates), positionEmbeddings, attentionMask, training);
            Tensor h = hiddenStates.add(attnOutput);
            Tensor mlpOutput = mlp.forward(mlpNorm.forward(h), training);
            return h.add(mlpOutput);
        });
    }

    private Tensor attnNorm(Tensor hiddenStates) {
        return attnNorm instanceof TorchLayerNorm norm ? norm.forward(hiddenStates)
                : ((Identity) attnNorm).forward(hiddenStates);
    }

    public ModernBertAttention attn() {
        return attn;
    }
}
