package io.finetune4j.models.debertav2;

import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/** HF's {@code DebertaV2Model}: embeddings and the relative-position encoder (no pooler; the heads pool). */
public final class DebertaV2Model extends Module {
    private final DebertaV2Embeddings embeddings;
    private final DebertaV2Encoder encoder;

    DebertaV2Model(DebertaV2Config c, ParameterFactory f) {
        embeddings = register("embeddings", f, p -> new DebertaV2Embeddings(c, p));
        encoder = register("encoder", f, p -> new DebertaV2Encoder(c, p));
    }

    /**
     * The last hidden state {@code [batch, seq, hidden]}.
     *
     * @param inputIds int64 {@code [batch, seq]}
     * @param tokenTypeIds int64 or null (zeros)
     * @param attentionMask {@code [batch, seq]} 1 token / 0 padding, or null (all ones, as HF)
     */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor mask = attentionMask == null ? Tensor.ones(DType.FLOAT32, inputIds.shape()).to(inputIds.device())
                : attentionMask.to(DType.FLOAT32);
        Tensor embeddingOutput = embeddings.forward(inputIds, tokenTypeIds, mask, training);
        return encoder.forward(embeddingOutput, mask, training);
    }

    public DebertaV2Embeddings embeddings() {
        return embeddings;
    }

    public DebertaV2Encoder encoder() {
        return encoder;
    }
}
