package io.finetune4j.models.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code DistilBertModel}: {@link Embeddings} then {@link Transformer}; no pooler, no token types. */
public final class DistilBertModel extends Module {
    private final Embeddings embeddings;
    private final Transformer transformer;

    DistilBertModel(DistilBertConfig c, ParameterFactory f) {
        embeddings = register("embeddings", f, p -> new Embeddings(c, p));
        transformer = register("transformer", f, p -> new Transformer(c, p));
    }

    /** The last hidden state {@code [batch, seq, dim]}; attentionMask {@code [batch, seq]} 1/0 or null. */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, boolean training) {
        return transformer.forward(embeddings.forward(inputIds, training), Attention.extendedAttentionMask(attentionMask), training);
    }

    public Embeddings embeddings() {
        return embeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 2 ? inputs.get(2) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return embeddings.getOutputShapes(inputShapes);
    }
}
