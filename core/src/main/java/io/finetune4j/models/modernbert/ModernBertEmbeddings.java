package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Tensor;

/** HF's {@code ModernBertEmbeddings}: token embeddings, LayerNorm (bias per norm_bias), dropout; no position embeddings (rotary). */
public final class ModernBertEmbeddings extends Module {
    private final TorchEmbedding tokEmbeddings;
    private final TorchLayerNorm norm;
    private final TorchDropout drop;

    ModernBertEmbeddings(ModernBertConfig c, ParameterFactory f) {
        tokEmbeddings = register("tok_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), c.hiddenSize(), c.padTokenId()));
        norm = register("norm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.normEps(), c.normBias()));
        drop = register("drop", new TorchDropout(c.embeddingDropout()));
    }

    public Tensor forward(Tensor inputIds, boolean training) {
        Tensor hiddenStates = norm.forward(tokEmbeddings.forward(inputIds));
        return drop.forward(hiddenStates, training);
    }

    public TorchEmbedding tokEmbeddings() {
        return tokEmbeddings;
    }
}
