package io.finetune4j.models.roberta;

import io.finetune4j.BadInputException;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code RobertaEmbeddings}: BERT's embeddings, except that position ids come from the input ids
 * ({@link #createPositionIdsFromInputIds}): padding keeps position {@code padding_idx}, real tokens count up from
 * {@code padding_idx + 1}, so left or right padding does not shift the positions of the tokens.
 */
public final class RobertaEmbeddings extends Module {
    private final int paddingIdx;
    private final int maxPositions;
    private final int typeVocabSize;
    private final TorchEmbedding wordEmbeddings;
    private final TorchEmbedding positionEmbeddings;
    private final TorchEmbedding tokenTypeEmbeddings;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    RobertaEmbeddings(BertConfig c, ParameterFactory f) {
        paddingIdx = c.padTokenId();
        maxPositions = c.maxPositionEmbeddings();
        typeVocabSize = c.typeVocabSize();
        wordEmbeddings = register("word_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), c.hiddenSize(), c.padTokenId()));
        positionEmbeddings = register("position_embeddings", f, p -> new TorchEmbedding(p, c.maxPositionEmbeddings(), c.hiddenSize(), c.padTokenId()));
        tokenTypeEmbeddings = register("token_type_embeddings", f, p -> new TorchEmbedding(p, c.typeVocabSize(), c.hiddenSize(), null));
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.hiddenSize(), c.layerNormEps()));
        dropout = register("dropout", new TorchDropout(c.hiddenDropoutProb()));
    }

    /**
     * HF's {@code create_position_ids_from_input_ids}: {@code cumsum(ids != pad) * (ids != pad) + pad}, int64
     * {@code [batch, seq]}.
     */
    public static Tensor createPositionIdsFromInputIds(Tensor inputIds, int paddingIdx) {
        Tensor mask = inputIds.ne(paddingIdx).to(DType.INT64);
        Tensor incrementalIndices = mask.cumsum(1).mul(mask);
        return incrementalIndices.add(paddingIdx);
    }

    /**
     * @param tokenTypeIds int64 {@code [batch, seq]} or null (zeros); ignored when type_vocab_size is 1 (RoBERTa has one
     *     token type, so pair encodings' segment ids do not apply)
     */
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, boolean training) {
        long seq = inputIds.size(1);
        if (seq + paddingIdx >= maxPositions) {
            throw new BadInputException("sequence length " + seq + " exceeds the " + (maxPositions - paddingIdx - 1)
                    + " positions of max_position_embeddings " + maxPositions + " (padding_idx " + paddingIdx + "); truncate the inputs");
        }
        return Tensor.scoped(() -> {
            Tensor positionIds = createPositionIdsFromInputIds(inputIds, paddingIdx);
            Tensor types = tokenTypeIds != null && typeVocabSize > 1 ? tokenTypeIds
                    : Tensor.zeros(DType.INT64, inputIds.shape()).to(inputIds.device());
            Tensor embeddings = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(types)).add(positionEmbeddings.forward(positionIds));
            embeddings = layerNorm.forward(embeddings);
            return dropout.forward(embeddings, training);
        });
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }
}
