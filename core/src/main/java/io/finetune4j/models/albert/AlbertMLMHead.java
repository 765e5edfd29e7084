package io.finetune4j.models.albert;

import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code AlbertMLMHead}: dense (hidden → embedding_size), activation, LayerNorm, decoder tied to the word embeddings (+ {@code bias}). */
public final class AlbertMLMHead extends Module {
    private final TorchLayerNorm layerNorm;
    private final TorchLinear dense;
    private final TiedDecoder decoder;
    private final Activation activation;

    AlbertMLMHead(AlbertConfig c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.embeddingSize(), c.layerNormEps()));
        Parameter bias = register("bias", f.create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
        dense = register("dense", f, p -> new TorchLinear(p, c.hiddenSize(), c.embeddingSize()));
        decoder = register("decoder", new TiedDecoder(wordEmbeddings, bias, c.embeddingSize(), c.vocabSize()));
        activation = register("activation", Activations.get(c.hiddenAct()));
    }

    public Tensor forward(Tensor hiddenStates) {
        hiddenStates = activation.forward(dense.forward(hiddenStates));
        hiddenStates = layerNorm.forward(hiddenStates);
        return decoder.forward(hiddenStates);
    }
}
