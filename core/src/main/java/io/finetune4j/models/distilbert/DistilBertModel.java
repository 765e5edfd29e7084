package io.finetune4j.models.distilbert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code DistilBertModel}: {@link Embeddings} then {@link Transformer}; no pooler, no token types. */
public final class DistilBertModel extends Module {
    private final Embeddings embeddings;
    private final Transformer transformer;

    DistilBertModel(DistilBertConfig c, ParameterFactory f) {
        embeddings = register("embeddings", f, p -> new Embeddings(c, p));
        transformer = register("transformer", f, p -> new Transformer(c, p));
    }

    /** The last hidden state {@code [batch, seq, dim]}; attentionMask {@code [batch, seq]} 1/0 or null. */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, boolean training) {
        Tensor extendedMask = attentionMask == null ? null
                : Attention.extendedAttentionMask(attentionMask);
        return transformer.forward(embeddings.forward(inputIds, training), extendedMask, training);
    }

    public Embeddings embeddings() {
        return embeddings;
    }
}
