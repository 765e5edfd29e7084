package io.finetune4j.models.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.models.bert.BertEncoder;
import io.finetune4j.models.bert.BertModel;
import io.finetune4j.models.bert.BertPooler;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/**
 * HF's {@code RobertaModel}: {@link RobertaEmbeddings}, then BERT's encoder and pooler (HF's RobertaEncoder,
 * RobertaLayer, ... are "Copied from" BERT's; here they are BERT's modules printed under RoBERTa's names).
 */
public final class RobertaModel extends Module {
    private final RobertaEmbeddings embeddings;
    private final BertEncoder encoder;
    private final BertPooler pooler;

    RobertaModel(RobertaConfig c, ParameterFactory f, boolean addPoolingLayer) {
        embeddings = register("embeddings", f, p -> new RobertaEmbeddings(c.bert(), p));
        encoder = register("encoder", f, p -> new BertEncoder(c.bert(), p));
        pooler = addPoolingLayer ? register("pooler", f, p -> new BertPooler(c.bert(), p)) : null;
        renameFamily("Bert", c.classPrefix());
        renameFamily("Roberta", c.classPrefix());
    }

    /** The last hidden state {@code [batch, seq, hidden]} and, with a pooler, the pooled first token. */
    public BertModel.Output forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray hidden = embeddings.forward(inputIds, tokenTypeIds, training);
        NDArray sequence = encoder.forward(hidden, Attention.extendedAttentionMask(attentionMask), training);
        return new BertModel.Output(sequence, pooler != null ? pooler.forward(sequence) : null);
    }

    public RobertaEmbeddings embeddings() {
        return embeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        BertModel.Output out = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null, training);
        return new NDList(out.lastHiddenState());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return embeddings.getOutputShapes(inputShapes);
    }
}
