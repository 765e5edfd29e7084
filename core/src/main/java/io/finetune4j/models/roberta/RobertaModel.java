package io.finetune4j.models.roberta;

import io.finetune4j.models.bert.BertEncoder;
import io.finetune4j.models.bert.BertModel;
import io.finetune4j.models.bert.BertPooler;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

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
    public BertModel.Output forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor embeddingOutput = embeddings.forward(inputIds, tokenTypeIds, training);
        Tensor extendedAttentionMask = attentionMask == null ? null : Attention.extendedAttentionMask(attentionMask);
        Tensor sequenceOutput = encoder.forward(embeddingOutput, extendedAttentionMask, training);
        return new BertModel.Output(sequenceOutput, pooler != null ? pooler.forward(sequenceOutput) : null);
    }

    public RobertaEmbeddings embeddings() {
        return embeddings;
    }
}
