package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.models.bert.BertEmbeddings;
import io.finetune4j.models.bert.BertModel;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.Tanh;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code AlbertModel}: factorized embeddings, {@link AlbertTransformer}, and a pooler (Linear + tanh on the first token). */
public final class AlbertModel extends Module {
    private static final NDIndex FIRST_TOKEN = new NDIndex(":, 0");
    private final BertEmbeddings embeddings;
    private final AlbertTransformer encoder;
    private final TorchLinear pooler;
    private final Tanh poolerActivation;
    private final int hiddenSize;

    AlbertModel(AlbertConfig c, ParameterFactory f, boolean addPoolingLayer) {
        hiddenSize = c.hiddenSize();
        embeddings = register("embeddings", f, p -> new BertEmbeddings(c.embeddingShape(), p));
        encoder = register("encoder", f, p -> new AlbertTransformer(c, p));
        pooler = addPoolingLayer ? register("pooler", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize())) : null;
        poolerActivation = addPoolingLayer ? register("pooler_activation", new Tanh()) : null;
        renameFamily("Bert", "Albert");
    }

    public BertModel.Output forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray sequence = encoder.forward(embeddings.forward(inputIds, tokenTypeIds, training),
                Attention.extendedAttentionMask(attentionMask), training);
        NDArray pooled = pooler == null ? null : poolerActivation.forward(pooler.forward(sequence.get(FIRST_TOKEN)));
        return new BertModel.Output(sequence, pooled);
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null, training)
                .lastHiddenState().nd()); // BRIDGE
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), hiddenSize)};
    }
}
