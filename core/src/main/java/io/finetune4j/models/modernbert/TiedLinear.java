package io.finetune4j.models.modernbert;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.torch.Tensor;

/**
 * ModernBertForMaskedLM's {@code decoder} when tie_word_embeddings: a Linear whose weight IS the token embedding
 * matrix (so it is saved once, as HF does) and whose bias ({@code decoder.bias}, when decoder_bias) is its own.
 */
final class TiedLinear extends Module {
    private final TorchEmbedding embeddings;
    private final Parameter bias;
    private final int in;
    private final int out;

    TiedLinear(ParameterFactory f, TorchEmbedding embeddings, int in, int out, boolean withBias) {
        this.embeddings = embeddings;
        this.in = in;
        this.out = out;
        bias = withBias ? register("bias", f.create("bias", new long[] {out}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS)) : null;
    }

    /** {@code F.linear(x, tok_embeddings.weight, bias)}. */
    Tensor forward(Tensor input) {
        return Tensor.linear(input, embeddings.weight().data(), bias == null ? null : bias.data());
    }

    @Override
    protected String typeName() {
        return "Linear";
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
