package io.finetune4j.models.bert;

import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code BertModel}: embeddings, encoder and (for classification) the pooler. */
public final class BertModel extends Module {
    /** The most negative float32, HF's {@code torch.finfo(dtype).min}, added where the mask is 0. */
    public static final float FINFO_MIN = Attention.FINFO_MIN;

    private final BertEmbeddings embeddings;
    private final BertEncoder encoder;
    private final BertPooler pooler;

    /** HF's {@code BaseModelOutputWithPooling}: the two outputs HF's heads use. {@code pooledOutput} is null without a pooler. */
    public record Output(Tensor lastHiddenState, Tensor pooledOutput) {
    }

    BertModel(BertConfig c, ParameterFactory f, boolean addPoolingLayer) {
        embeddings = register("embeddings", f, p -> new BertEmbeddings(c, p));
        encoder = register("encoder", f, p -> new BertEncoder(c, p));
        pooler = addPoolingLayer ? register("pooler", f, p -> new BertPooler(c, p)) : null;
    }

    /**
     * @param inputIds int64 {@code [batch, seq]}
     * @param tokenTypeIds int64 {@code [batch, seq]} or null
     * @param attentionMask {@code [batch, seq]} with 1 for tokens and 0 for padding, or null (attend to all)
     */
    public Output forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor embeddingOutput = embeddings.forward(inputIds, tokenTypeIds, training);
        Tensor sequenceOutput = encoder.forward(embeddingOutput, extendedAttentionMask(attentionMask), training);
        return new Output(sequenceOutput, pooler != null ? pooler.forward(sequenceOutput) : null);
    }

    /** The hidden states entering encoder layer {@code layer} (0: the embeddings' output). */
    public Tensor hiddenBefore(int layer, Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor hidden = embeddings.forward(inputIds, tokenTypeIds, training);
        return encoder.forward(hidden, extendedAttentionMask(attentionMask), training, 0, layer);
    }

    /** The rest of {@link #forward} from encoder layer {@code layer} on, given what enters it. */
    public Output forwardFrom(int layer, Tensor hidden, Tensor attentionMask, boolean training) {
        Tensor sequenceOutput = encoder.forward(hidden, extendedAttentionMask(attentionMask), training, layer, encoder.numLayers());
        return new Output(sequenceOutput, pooler != null ? pooler.forward(sequenceOutput) : null);
    }

    /** HF's {@code get_extended_attention_mask}: {@code [batch, 1, 1, seq]}, 0 where attended, finfo.min elsewhere; null stays null. */
    static Tensor extendedAttentionMask(Tensor attentionMask) {
        return attentionMask == null ? null : Attention.extendedAttentionMask(attentionMask);
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    public BertEncoder encoder() {
        return encoder;
    }
}
