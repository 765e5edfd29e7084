package io.finetune4j.models.distilbert;

import io.finetune4j.BadInputException;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchEmbedding;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.torch.Tensor;

/**
 * HF's DistilBERT {@code Embeddings}: word + position embeddings (no token types), LayerNorm (eps 1e-12), dropout.
 * With {@code sinusoidal_pos_embds} the position table starts as HF's {@code create_sinusoidal_embeddings} and is frozen.
 */
public final class Embeddings extends Module {
    private final int maxPositions;
    private final TorchEmbedding wordEmbeddings;
    private final TorchEmbedding positionEmbeddings;
    private final TorchLayerNorm layerNorm;
    private final TorchDropout dropout;

    Embeddings(DistilBertConfig c, ParameterFactory f) {
        maxPositions = c.maxPositionEmbeddings();
        wordEmbeddings = register("word_embeddings", f, p -> new TorchEmbedding(p, c.vocabSize(), c.dim(), c.padTokenId()));
        positionEmbeddings = register("position_embeddings", f, p -> c.sinusoidalPosEmbds()
                ? TorchEmbedding.withInitialValues(p, c.maxPositionEmbeddings(), c.dim(), sinusoidal(c.maxPositionEmbeddings(), c.dim()))
                : new TorchEmbedding(p, c.maxPositionEmbeddings(), c.dim(), null));
        if (c.sinusoidalPosEmbds()) {
            positionEmbeddings.weight().requiresGrad_(false);
        }
        layerNorm = register("LayerNorm", f, p -> new TorchLayerNorm(p, c.dim(), 1e-12));
        dropout = register("dropout", new TorchDropout(c.dropout()));
    }

    /** HF's create_sinusoidal_embeddings: even columns sin(pos / 10000^(2⌊j/2⌋/dim)), odd columns cos of the same angle. */
    static float[] sinusoidal(int positions, int dim) {
        float[] out = new float[positions * dim];
        for (int pos = 0; pos < positions; pos++) {
            for (int j = 0; j < dim; j++) {
                double angle = pos / Math.pow(10000, 2.0 * (j / 2) / dim);
                out[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return out;
    }

    /** {@code [batch, seq]} int64 ids → {@code [batch, seq, dim]}; intermediates are freed on return. */
    public Tensor forward(Tensor inputIds, boolean training) {
        long seqLength = inputIds.size(1);
        if (seqLength > maxPositions) {
            throw new BadInputException("sequence length " + seqLength + " exceeds max_position_embeddings " + maxPositions
                    + "; truncate the inputs (max_length <= " + maxPositions + ")");
        }
        return Tensor.scoped(() -> {
            Tensor positionIds = Tensor.arange(seqLength).to(inputIds.device());
            Tensor inputEmbeds = wordEmbeddings.forward(inputIds);
            Tensor positionEmbeds = positionEmbeddings.forward(positionIds);
            Tensor embeddings = layerNorm.forward(inputEmbeds.add(positionEmbeds));
            return dropout.forward(embeddings, training);
        });
    }

    public TorchEmbedding wordEmbeddings() {
        return wordEmbeddings;
    }
}
