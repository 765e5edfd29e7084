package io.finetune4j.models.electra;

import io.finetune4j.models.bert.BertEmbeddings;
import io.finetune4j.models.bert.BertEncoder;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code ElectraModel}: embeddings at embedding_size (HF's ElectraEmbeddings = BERT's, narrower),
 * {@code embeddings_project} to hidden_size when the two differ, then BERT's encoder under ELECTRA's names. No pooler.
 */
public final class ElectraModel extends Module {
    private final BertEmbeddings embeddings;
    private final TorchLinear embeddingsProject;
    private final BertEncoder encoder;

    ElectraModel(ElectraConfig c, ParameterFactory f) {
        embeddings = register("embeddings", f, p -> new BertEmbeddings(c.embeddingShape(), p));
        embeddingsProject = c.embeddingSize() != c.hiddenSize()
                ? register("embeddings_project", f, p -> new TorchLinear(p, c.embeddingSize(), c.hiddenSize())) : null;
        encoder = register("encoder", f, p -> new BertEncoder(c.bert(), p));
        renameFamily("Bert", "Electra");
    }

    /** The last hidden state {@code [batch, seq, hidden]}. */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor hiddenStates = embeddings.forward(inputIds, tokenTypeIds, training);
        if (embeddingsProject != null) {
            hiddenStates = embeddingsProject.forward(hiddenStates);
        }
        Tensor extendedAttentionMask = attentionMask == null ? null : Attention.extendedAttentionMask(attentionMask);
        return encoder.forward(hiddenStates, extendedAttentionMask, training);
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }
}
