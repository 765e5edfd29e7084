package io.finetune4j.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Attention;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;

/** HF's {@code BertModel}: embeddings, encoder and (for classification) the pooler. */
public final class BertModel extends Module {
    /** The most negative float32, HF's {@code torch.finfo(dtype).min}, added where the mask is 0. */
    public static final float FINFO_MIN = Attention.FINFO_MIN;

    private final BertEmbeddings embeddings;
    private final BertEncoder encoder;
    private final BertPooler pooler;

    /** The two outputs HF's heads use. {@code pooledOutput} is null without a pooler. */
    public record Output(NDArray lastHiddenState, NDArray pooledOutput) {}

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
    public Output forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray hidden = embeddings.forward(inputIds, tokenTypeIds, training);
        NDArray sequence = encoder.forward(hidden, extendedAttentionMask(attentionMask), training);
        return new Output(sequence, pooler != null ? pooler.forward(sequence) : null);
    }

    /** The hidden states entering encoder layer {@code layer} (0: the embeddings' output). */
    public NDArray hiddenBefore(int layer, NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray hidden = embeddings.forward(inputIds, tokenTypeIds, training);
        return encoder.forward(hidden, extendedAttentionMask(attentionMask), training, 0, layer);
    }

    /** The rest of {@link #forward} from encoder layer {@code layer} on, given what enters it. */
    public Output forwardFrom(int layer, NDArray hidden, NDArray attentionMask, boolean training) {
        NDArray sequence = encoder.forward(hidden, extendedAttentionMask(attentionMask), training, layer, encoder.numLayers());
        return new Output(sequence, pooler != null ? pooler.forward(sequence) : null);
    }

    static NDArray extendedAttentionMask(NDArray attentionMask) {
        return Attention.extendedAttentionMask(attentionMask);
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }

    public BertEncoder encoder() {
        return encoder;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        Output out = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null, training);
        return out.pooledOutput() != null ? new NDList(out.lastHiddenState(), out.pooledOutput()) : new NDList(out.lastHiddenState());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hidden = embeddings.getOutputShapes(inputShapes)[0];
        return pooler == null ? new Shape[] {hidden} : new Shape[] {hidden, new Shape(hidden.get(0), hidden.get(2))};
    }
}
