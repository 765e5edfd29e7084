package io.finetune4j.models.electra;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.models.bert.BertEmbeddings;
import io.finetune4j.models.bert.BertEncoder;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;

/**
 * HF's {@code ElectraModel}: embeddings at embedding_size (HF's ElectraEmbeddings = BERT's, narrower),
 * {@code embeddings_project} to hidden_size when the two differ, then BERT's encoder under ELECTRA's names. No pooler.
 */
public final class ElectraModel extends Module {
    private final BertEmbeddings embeddings;
    private final TorchLinear embeddingsProject;
    private final BertEncoder encoder;
    private final int hiddenSize;

    ElectraModel(ElectraConfig c, ParameterFactory f) {
        hiddenSize = c.hiddenSize();
        embeddings = register("embeddings", f, p -> new BertEmbeddings(c.embeddingShape(), p));
        embeddingsProject = c.embeddingSize() != c.hiddenSize()
                ? register("embeddings_project", f, p -> new TorchLinear(p, c.embeddingSize(), c.hiddenSize())) : null;
        encoder = register("encoder", f, p -> new BertEncoder(c.bert(), p));
        renameFamily("Bert", "Electra");
    }

    /** The last hidden state {@code [batch, seq, hidden]}. */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray hidden = embeddings.forward(inputIds, tokenTypeIds, training);
        if (embeddingsProject != null) {
            hidden = embeddingsProject.forward(hidden);
        }
        return encoder.forward(hidden, Attention.extendedAttentionMask(attentionMask), training);
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), hiddenSize)};
    }
}
