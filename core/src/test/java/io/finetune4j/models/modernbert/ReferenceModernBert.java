package io.finetune4j.models.modernbert;

import io.finetune4j.io.Tensor;
import io.finetune4j.models.ReferenceOps;
import java.util.Map;

/**
 * An independent ModernBERT forward in plain Java loops (double precision), written from HF's
 * modeling_modernbert.py formulas (the padded "eager" path) and reading the weights by their HF names:
 * token embeddings + LayerNorm, pre-norm layers (no attn_norm on layer 0) with a fused Wqkv projection,
 * rotary embeddings (NeoX half rotation, per-layer base), global attention every
 * {@code global_attn_every_n_layers} layers and a symmetric sliding window elsewhere, GeGLU MLP (Wi split in
 * input and gate), final_norm, then the prediction head (dense, activation, norm) with cls or mean pooling and
 * the classifier, or the tied decoder for masked LM. Biases and norm biases are used where the weights have them.
 */
final class ReferenceModernBert {
    private static final double FINFO_MIN = -Float.MAX_VALUE;

    private final ReferenceOps w;
    private final ModernBertConfig c;

    ReferenceModernBert(Map<String, Tensor> weights, ModernBertConfig config) {
        this.w = new ReferenceOps(weights);
        this.c = config;
    }

    /** {@code model}'s last hidden state (after final_norm) for one sequence: {@code [seq][hidden]}. */
    double[][] encode(long[] ids, long[] mask) {
        int s = ids.length;
        int hidden = c.hiddenSize();
        double[][] x = new double[s][];
        for (int i = 0; i < s; i++) {
            x[i] = w.row("model.embeddings.tok_embeddings.weight", (int) ids[i], hidden);
        }
        x = w.layerNorm(x, "model.embeddings.norm", c.normEps());
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] normed = l == 0 ? x : w.layerNorm(x, p + "attn_norm", c.normEps());
            x = ReferenceOps.add(x, w.linear(attention(normed, mask, l, p + "attn."), p + "attn.Wo"));
            double[][] wi = w.linear(w.layerNorm(x, p + "mlp_norm", c.normEps()), p + "mlp.Wi");
            int inter = c.intermediateSize();
            double[][] glu = new double[s][inter];
            for (int i = 0; i < s; i++) {
                for (int h = 0; h < inter; h++) {
                    glu[i][h] = ReferenceOps.act(wi[i][h], c.hiddenActivation()) * wi[i][inter + h];
                }
            }
            x = ReferenceOps.add(x, w.linear(glu, p + "mlp.Wo"));
        }
        return w.layerNorm(x, "model.final_norm", c.normEps());
    }

    private double[][] attention(double[][] x, long[] mask, int layer, String p) {
        int s = x.length;
        int heads = c.numAttentionHeads();
        int d = c.headDim();
        int hidden = c.hiddenSize();
        double[][] qkv = w.linear(x, p + "Wqkv"); // [s][3 * hidden]: q | k | v, each heads x d
        double theta = c.ropeTheta(layer);
        boolean local = c.isLocal(layer);
        int half = c.localAttention() / 2;
        double[][] q = new double[s][hidden];
        double[][] k = new double[s][hidden];
        for (int i = 0; i < s; i++) {
            for (int hd = 0; hd < heads; hd++) {
                rotate(qkv[i], hd * d, q[i], i, d, theta);
                rotate(qkv[i], hidden + hd * d, k[i], i, d, theta);
            }
        }
        double[][] ctx = new double[s][hidden];
        double scale = 1 / Math.sqrt(d);
        for (int hd = 0; hd < heads; hd++) {
            int o = hd * d;
            for (int i = 0; i < s; i++) {
                double[] scores = new double[s];
                for (int j = 0; j < s; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += q[i][o + e] * k[j][o + e];
                    }
                    // HF's padded path: additive finfo.min on padded keys; local layers use the sliding mask instead,
                    // which is the same padding mask with finfo.min (not added twice) outside |i - j| <= window/2.
                    double bias = mask[j] == 0 ? FINFO_MIN : 0;
                    if (local && Math.abs(i - j) > half) {
                        bias = FINFO_MIN;
                    }
                    scores[j] = dot * scale + bias;
                }
                double[] probs = ReferenceOps.softmax(scores);
                for (int j = 0; j < s; j++) {
                    for (int e = 0; e < d; e++) {
                        ctx[i][o + e] += probs[j] * qkv[j][2 * hidden + o + e];
                    }
                }
            }
        }
        return ctx;
    }

    /**
     * Rotary embedding of one head ({@code d} values at {@code from} in {@code src}) at position {@code pos}:
     * {@code x·cos + rotate_half(x)·sin} with {@code inv_freq_i = theta^(-2i/d)} and the angles repeated for both halves.
     * Writes to {@code dst} at {@code from mod hidden}.
     */
    private void rotate(double[] src, int from, double[] dst, int pos, int d, double theta) {
        int to = from % c.hiddenSize();
        int halfD = d / 2;
        for (int e = 0; e < d; e++) {
            int i = e % halfD;
            double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / d);
            double angle = pos * invFreq;
            double rotated = e < halfD ? -src[from + e + halfD] : src[from + e - halfD];
            dst[to + e] = src[from + e] * Math.cos(angle) + rotated * Math.sin(angle);
        }
    }

    /** ModernBertForSequenceClassification's logits for one sequence. */
    double[] logits(long[] ids, long[] mask) {
        double[][] x = encode(ids, mask);
        double[] pooled;
        if ("cls".equals(c.classifierPooling())) {
            pooled = x[0];
        } else {
            pooled = new double[c.hiddenSize()];
            double n = 0;
            for (int i = 0; i < x.length; i++) {
                for (int h = 0; h < pooled.length; h++) {
                    pooled[h] += x[i][h] * mask[i];
                }
                n += mask[i];
            }
            for (int h = 0; h < pooled.length; h++) {
                pooled[h] /= n;
            }
        }
        double[][] head = w.layerNorm(ReferenceOps.act(w.linear(new double[][] {pooled}, "head.dense"), c.classifierActivation()),
                "head.norm", c.normEps());
        return w.linear(head, "classifier")[0];
    }

    /**
     * ModernBertForMaskedLM's scores {@code [seq][vocab]}: head, then the decoder: its own {@code decoder.weight} when the
     * checkpoint has one (tie_word_embeddings false), else the token embeddings; {@code decoder.bias} when present.
     */
    double[][] maskedLmLogits(long[] ids, long[] mask) {
        double[][] x = encode(ids, mask);
        double[][] head = w.layerNorm(ReferenceOps.act(w.linear(x, "head.dense"), c.classifierActivation()), "head.norm", c.normEps());
        if (w.has("decoder.weight")) {
            return w.linear(head, "decoder");
        }
        double[][] scores = w.matmulTransposed(head, "model.embeddings.tok_embeddings.weight");
        if (w.has("decoder.bias")) {
            float[] bias = w.get("decoder.bias");
            for (double[] row : scores) {
                for (int t = 0; t < row.length; t++) {
                    row[t] += bias[t];
                }
            }
        }
        return scores;
    }
}
