package io.finetune4j.models.debertav2;

import io.finetune4j.io.Tensor;
import io.finetune4j.models.ReferenceOps;
import java.util.Map;

/**
 * An independent DeBERTa-v2/v3 forward in plain Java loops (double precision), written from HF's
 * modeling_deberta_v2.py formulas and reading the weights by their HF names: embeddings (optional absolute
 * positions, token types, embed_proj), disentangled attention with content→position and position→content terms
 * over (log-bucketed) relative positions, shared or separate position projections, LayerNorm'd relative
 * embeddings, the ConvLayer after the first layer, ContextPooler + classifier and both MLM heads. One
 * sequence at a time, padded positions included (masked as HF masks them). Shares no code with the model.
 */
final class ReferenceDebertaV2 {
    /** torch.finfo(float32).min, what HF's masked_fill writes. */
    private static final double FINFO_MIN = -Float.MAX_VALUE;

    private final ReferenceOps w;
    private final DebertaV2Config c;

    ReferenceDebertaV2(Map<String, Tensor> weights, DebertaV2Config config) {
        this.w = new ReferenceOps(weights);
        this.c = config;
    }

    /** HF's make_log_bucket_position for one distance, in float32 arithmetic as torch does it. */
    static long logBucket(long rel, int bucketSize, int maxPosition) {
        long sign = Long.signum(rel);
        int mid = bucketSize / 2;
        long abs = (rel < mid && rel > -mid) ? mid - 1 : Math.abs(rel);
        float ratio = (float) abs / (float) mid;
        float logRatio = (float) Math.log(ratio);
        float logMax = (float) Math.log((float) ((maxPosition - 1) / (double) mid));
        float logPos = (float) Math.ceil(logRatio / logMax * (float) (mid - 1)) + mid;
        return abs <= mid ? rel : (long) (logPos * sign);
    }

    /** HF's build_relative_position: q - k, log-bucketed when position_buckets > 0. */
    long relativePosition(int q, int k) {
        long rel = q - k;
        int buckets = c.positionBuckets();
        int maxRel = c.effectiveMaxRelativePositions();
        return buckets > 0 && maxRel > 0 ? logBucket(rel, buckets, maxRel) : rel;
    }

    /** {@code deberta}'s last hidden state for one sequence: {@code [seq][hidden]}. */
    double[][] encode(long[] ids, long[] types, long[] mask) {
        int s = ids.length;
        int emb = c.embeddingSize();
        double[][] x = new double[s][];
        for (int i = 0; i < s; i++) {
            x[i] = w.row("deberta.embeddings.word_embeddings.weight", (int) ids[i], emb);
            if (c.positionBiasedInput()) {
                double[] p = w.row("deberta.embeddings.position_embeddings.weight", i, emb);
                for (int h = 0; h < emb; h++) {
                    x[i][h] += p[h];
                }
            }
            if (c.typeVocabSize() > 0) {
                double[] t = w.row("deberta.embeddings.token_type_embeddings.weight", (int) (types == null ? 0 : types[i]), emb);
                for (int h = 0; h < emb; h++) {
                    x[i][h] += t[h];
                }
            }
        }
        if (emb != c.hiddenSize()) {
            x = w.linear(x, "deberta.embeddings.embed_proj");
        }
        x = w.layerNorm(x, "deberta.embeddings.LayerNorm", c.layerNormEps());
        for (int i = 0; i < s; i++) {
            for (int h = 0; h < x[i].length; h++) {
                x[i][h] *= mask[i];
            }
        }
        double[][] embeddingOutput = x;

        int span = c.posEbdSize();
        double[][] rel = null;
        if (c.relativeAttention()) {
            int rows = 2 * span;
            rel = new double[rows][];
            for (int r = 0; r < rows; r++) {
                rel[r] = w.row("deberta.encoder.rel_embeddings.weight", r, c.hiddenSize());
            }
            if (c.normRelEmbeddings()) {
                rel = w.layerNorm(rel, "deberta.encoder.LayerNorm", c.layerNormEps());
            }
        }
        long[][] relPos = new long[s][s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                relPos[i][j] = relativePosition(i, j);
            }
        }
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "deberta.encoder.layer." + l + ".";
            double[][] attn = w.layerNorm(ReferenceOps.add(w.linear(selfAttention(x, mask, rel, relPos, p + "attention.self."),
                    p + "attention.output.dense"), x), p + "attention.output.LayerNorm", c.layerNormEps());
            double[][] inter = ReferenceOps.act(w.linear(attn, p + "intermediate.dense"), c.hiddenAct());
            x = w.layerNorm(ReferenceOps.add(w.linear(inter, p + "output.dense"), attn), p + "output.LayerNorm", c.layerNormEps());
            if (l == 0 && c.convKernelSize() > 0) {
                x = conv(embeddingOutput, x, mask);
            }
        }
        return x;
    }

    private double[][] selfAttention(double[][] x, long[] mask, double[][] rel, long[][] relPos, String p) {
        int s = x.length;
        int heads = c.numAttentionHeads();
        int d = c.attentionHeadSize();
        double[][] q = w.linear(x, p + "query_proj");
        double[][] k = w.linear(x, p + "key_proj");
        double[][] v = w.linear(x, p + "value_proj");
        int scaleFactor = 1 + (c.c2p() ? 1 : 0) + (c.p2c() ? 1 : 0);
        double scale = Math.sqrt((double) d * scaleFactor);
        double[][] posKey = null;
        double[][] posQuery = null;
        if (rel != null) {
            if (c.c2p()) {
                posKey = w.linear(rel, p + (c.shareAttKey() ? "key_proj" : "pos_key_proj"));
            }
            if (c.p2c()) {
                posQuery = w.linear(rel, p + (c.shareAttKey() ? "query_proj" : "pos_query_proj"));
            }
        }
        int span = c.posEbdSize();
        double[][] ctx = new double[s][heads * d];
        for (int hd = 0; hd < heads; hd++) {
            int o = hd * d;
            for (int i = 0; i < s; i++) {
                double[] scores = new double[s];
                for (int j = 0; j < s; j++) {
                    double score = dot(q[i], k[j], o, d) / scale;
                    if (posKey != null) {
                        int idx = clamp(relPos[i][j] + span, 2 * span - 1);
                        score += dot(q[i], posKey[idx], o, d) / scale;
                    }
                    if (posQuery != null) {
                        // HF: gather k_j · pos_query[clamp(-r_pos[j][i] + span)], then transpose to [i][j].
                        int idx = clamp(-relPos[j][i] + span, 2 * span - 1);
                        score += dot(k[j], posQuery[idx], o, d) / scale;
                    }
                    scores[j] = mask[i] != 0 && mask[j] != 0 ? score : FINFO_MIN;
                }
                double[] probs = ReferenceOps.softmax(scores);
                for (int j = 0; j < s; j++) {
                    for (int e = 0; e < d; e++) {
                        ctx[i][o + e] += probs[j] * v[j][o + e];
                    }
                }
            }
        }
        return ctx;
    }

    /** HF's ConvLayer: conv1d over the embedding output, masked, activation, LayerNorm with the residual, masked. */
    private double[][] conv(double[][] embeddings, double[][] residual, long[] mask) {
        int s = embeddings.length;
        int hidden = c.hiddenSize();
        int kernel = c.convKernelSize();
        int groups = c.convGroups();
        int perGroup = hidden / groups;
        int pad = (kernel - 1) / 2;
        float[] wt = w.get("deberta.encoder.conv.conv.weight"); // [hidden, hidden / groups, kernel]
        float[] b = w.get("deberta.encoder.conv.conv.bias");
        double[][] out = new double[s][hidden];
        for (int i = 0; i < s; i++) {
            for (int ch = 0; ch < hidden; ch++) {
                double acc = b[ch];
                int g = ch / perGroup;
                for (int t = 0; t < kernel; t++) {
                    int src = i + t - pad;
                    if (src < 0 || src >= s) {
                        continue;
                    }
                    for (int ci = 0; ci < perGroup; ci++) {
                        acc += wt[(ch * perGroup + ci) * kernel + t] * embeddings[src][g * perGroup + ci];
                    }
                }
                out[i][ch] = mask[i] == 0 ? 0 : ReferenceOps.act(acc, c.convAct());
            }
        }
        double[][] y = w.layerNorm(ReferenceOps.add(residual, out), "deberta.encoder.conv.LayerNorm", c.layerNormEps());
        for (int i = 0; i < s; i++) {
            for (int h = 0; h < hidden; h++) {
                y[i][h] *= mask[i];
            }
        }
        return y;
    }

    /** DebertaV2ForSequenceClassification's logits for one sequence. */
    double[] logits(long[] ids, long[] types, long[] mask) {
        double[][] x = encode(ids, types, mask);
        double[][] pooled = ReferenceOps.act(w.linear(new double[][] {x[0]}, "pooler.dense"), c.poolerHiddenAct());
        return w.linear(pooled, "classifier")[0];
    }

    /** DebertaV2ForMaskedLM's prediction scores {@code [seq][vocab]} for one sequence (legacy or lm_predictions head). */
    double[][] maskedLmLogits(long[] ids, long[] types, long[] mask) {
        double[][] x = encode(ids, types, mask);
        String head = c.legacy() ? "cls.predictions.transform" : "lm_predictions.lm_head";
        double[][] h = w.layerNorm(ReferenceOps.act(w.linear(x, head + ".dense"), c.hiddenAct()), head + ".LayerNorm", c.layerNormEps());
        double[][] scores = w.matmulTransposed(h, "deberta.embeddings.word_embeddings.weight");
        float[] bias = w.get(c.legacy() ? "cls.predictions.bias" : "lm_predictions.lm_head.bias");
        for (double[] row : scores) {
            for (int t = 0; t < row.length; t++) {
                row[t] += bias[t];
            }
        }
        return scores;
    }

    private static double dot(double[] a, double[] b, int offset, int n) {
        double acc = 0;
        for (int e = 0; e < n; e++) {
            acc += a[offset + e] * b[offset + e];
        }
        return acc;
    }

    private static int clamp(long v, int max) {
        return (int) Math.max(0, Math.min(max, v));
    }
}
