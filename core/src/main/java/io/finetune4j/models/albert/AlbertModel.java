package io.finetune4j.models.albert;

import io.finetune4j.models.bert.BertEmbeddings;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.Tanh;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code AlbertModel}: factorized embeddings, {@link AlbertTransformer}, and a pooler (Linear + tanh on the first token). */
public final class AlbertModel extends Module {
    /** HF's {@code BaseModelOutputWithPooling}: the last hidden state and, with a pooler, the pooled output (else null). */
    public record Output(Tensor lastHiddenState, Tensor pooledOutput) {}

    private final BertEmbeddings embeddings;
    private final AlbertTransformer encoder;
    private final TorchLinear pooler;
    private final Tanh poolerActivation;

    AlbertModel(AlbertConfig c, ParameterFactory f, boolean addPoolingLayer) {
        embeddings = register("embeddings", f, p -> new BertEmbeddings(c.embeddingShape(), p));
        encoder = register("encoder", f, p -> new AlbertTransformer(c, p));
        pooler = addPoolingLayer ? register("pooler", f, p -> new TorchLinear(p, c.hiddenSize(), c.hiddenSize())) : null;
        poolerActivation = addPoolingLayer ? register("pooler_activation", new Tanh()) : null;
        renameFamily("Bert", "Albert");
    }

    /**
     * @param inputIds int64 {@code [batch, seq]}
     * @param tokenTypeIds int64 {@code [batch, seq]} or null (zeros)
     * @param attentionMask {@code [batch, seq]} 1 token / 0 padding, or null
     */
    public Output forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor extendedAttentionMask = attentionMask == null ? null
                : Attention.extendedAttentionMask(attentionMask);
        Tensor embeddingOutput = embeddings.forward(inputIds, tokenTypeIds, training);
        Tensor sequenceOutput = encoder.forward(embeddingOutput, extendedAttentionMask, training);
        Tensor pooledOutput = pooler == null ? null
                : poolerActivation.forward(pooler.forward(sequenceOutput.select(1, 0)));
        return new Output(sequenceOutput, pooledOutput);
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }
}
