package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code DebertaV2LMPredictionHead} (config.legacy false; DeBERTa's original head): dense, hidden_act, LayerNorm,
 * then the product with the word embeddings plus {@code bias}. It has no decoder module.
 */
public final class DebertaV2LMPredictionHead extends Module {
    private final Parameter bias;
    private final TorchLinear dense;
    private final Activation transformActFn;
    private final TorchLayerNorm layerNorm;
    private final TorchEmbedding wordEmbeddings;

    DebertaV2LMPredictionHead(DebertaV2Config c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        this.wordEmbeddings = wordEmbeddings;
        bias = register("bias", f.create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize()));
        transformActFn = register("transform_act_fn", Activations.get(c.hiddenAct()));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
    }

    /** {@code LayerNorm(act(dense(h))) · word_embeddingsᵀ + bias}. */
    public Tensor forward(Tensor hiddenStates) {
        hiddenStates = transformActFn.forward(dense.forward(hiddenStates));
        hiddenStates = layerNorm.forward(hiddenStates);
        return Tensor.linear(hiddenStates, wordEmbeddings.weight().data(), bias.data());
    }
}
