package io.finetune4j.models.roberta;

import io.finetune4j.nn.GELUActivation;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code RobertaLMHead}: dense, gelu, layer_norm, then the decoder tied to the word embeddings (its bias is {@code bias}). */
public final class RobertaLMHead extends Module {
    private final TorchLinear dense;
    private final TorchLayerNorm layerNorm;
    private final TiedDecoder decoder;
    private final GELUActivation gelu = new GELUActivation();

    RobertaLMHead(RobertaConfig c, ParameterFactory f, TorchEmbedding wordEmbeddings) {
        int h = c.hiddenSize();
        dense = register("dense", f, p -> new TorchLinear(p, h, h));
        layerNorm = register("layer_norm", f, p -> new TorchLayerNorm(p, h, c.bert().layerNormEps()));
        Parameter bias = f.create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS);
        decoder = register("decoder", new TiedDecoder(wordEmbeddings, bias, h, c.vocabSize()));
        register("bias", bias);
    }

    /** {@code [batch, seq, hidden]} → scores {@code [batch, seq, vocab]}. */
    public Tensor forward(Tensor features) {
        return decoder.forward(layerNorm.forward(gelu.forward(dense.forward(features))));
    }
}
