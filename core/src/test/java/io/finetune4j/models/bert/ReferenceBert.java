package io.finetune4j.models.bert;

import io.finetune4j.io.Tensor;
import io.finetune4j.models.ReferenceOps;
import java.util.Map;

/**
 * An independent BERT-for-sequence-classification forward in plain Java loops (double precision),
 * written from the HF formulas and reading the weights by their HF names. It shares no code with the
 * DJL model, so agreement between the two is evidence that the DJL blocks compute BERT.
 */
final class ReferenceBert {
    private final ReferenceOps w;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final int intermediate;
    private final int numLabels;
    private final double eps;

    ReferenceBert(Map<String, Tensor> weights, int hidden, int heads, int layers, int intermediate, int numLabels, double eps) {
        this.w = new ReferenceOps(weights);
        this.hidden = hidden;
        this.heads = heads;
        this.layers = layers;
        this.intermediate = intermediate;
        this.numLabels = numLabels;
        this.eps = eps;
    }

    /** Logits of one sequence. */
    double[] logits(long[] ids, long[] types, long[] mask) {
        int s = ids.length;
        double[][] x = new double[s][hidden];
        float[] word = w.get("bert.embeddings.word_embeddings.weight");
        float[] pos = w.get("bert.embeddings.position_embeddings.weight");
        float[] type = w.get("bert.embeddings.token_type_embeddings.weight");
        for (int i = 0; i < s; i++) {
            for (int h = 0; h < hidden; h++) {
                x[i][h] = word[(int) ids[i] * hidden + h] + pos[i * hidden + h] + type[(int) types[i] * hidden + h];
            }
        }
        x = w.layerNorm(x, "bert.embeddings.LayerNorm", eps);
        for (int l = 0; l < layers; l++) {
            x = w.bertLayer(x, "bert.encoder.layer." + l + ".", hidden, heads, intermediate, mask, eps);
        }
        double[][] pooled = ReferenceOps.map(w.linear(new double[][] {x[0]}, "bert.pooler.dense", hidden, hidden), Math::tanh);
        return w.linear(pooled, "classifier", hidden, numLabels)[0];
    }
}
