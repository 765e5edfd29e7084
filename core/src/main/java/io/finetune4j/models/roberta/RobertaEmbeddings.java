package io.finetune4j.models.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;

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
     * {@code [batch, seq]} in the inputs' manager.
     */
    public static NDArray createPositionIdsFromInputIds(NDArray inputIds, int paddingIdx) {
        NDArray mask = inputIds.neq(paddingIdx).toType(DataType.INT64, false);
        return mask.cumSum(1).mul(mask).add(paddingIdx);
    }

    /**
     * @param tokenTypeIds int64 {@code [batch, seq]} or null (zeros); ignored when type_vocab_size is 1 (RoBERTa has one
     *     token type, so pair encodings' segment ids do not apply)
     */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, boolean training) {
        long seq = inputIds.getShape().get(1);
        if (seq + paddingIdx >= maxPositions) {
            throw new BadInputException("sequence length " + seq + " exceeds the " + (maxPositions - paddingIdx - 1)
                    + " positions of max_position_embeddings " + maxPositions + " (padding_idx " + paddingIdx + "); truncate the inputs");
        }
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray positionIds = createPositionIdsFromInputIds(inputIds, paddingIdx);
            NDArray types = tokenTypeIds != null && typeVocabSize > 1 ? tokenTypeIds
                    : inputIds.getManager().zeros(inputIds.getShape(), DataType.INT64);
            NDArray x = wordEmbeddings.forward(inputIds)
                    .add(tokenTypeEmbeddings.forward(types))
                    .add(positionEmbeddings.forward(positionIds));
            out = dropout.forward(layerNorm.forward(x), training);
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return wordEmbeddings.getOutputShapes(inputShapes);
    }
}
