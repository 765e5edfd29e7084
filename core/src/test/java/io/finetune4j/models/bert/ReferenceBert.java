package io.finetune4j.models.bert;

import io.finetune4j.io.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * An independent BERT-for-sequence-classification forward in plain Java loops (double precision),
 * written from the HF formulas and reading the weights by their HF names. It shares no code with the
 * DJL model, so agreement between the two is evidence that the DJL blocks compute BERT.
 */
final class ReferenceBert {
    private final Map<String, float[]> w = new HashMap<>();
    private final int hidden;
    private final int heads;
    private final int layers;
    private final int intermediate;
    private final int numLabels;
    private final double eps;

    ReferenceBert(Map<String, Tensor> weights, int hidden, int heads, int layers, int intermediate, int numLabels, double eps) {
        weights.forEach((k, t) -> w.put(k, t.toFloats()));
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
        x = layerNorm(x, "bert.embeddings.LayerNorm");
        for (int l = 0; l < layers; l++) {
            String p = "bert.encoder.layer." + l + ".";
            double[][] q = linear(x, p + "attention.self.query", hidden, hidden);
            double[][] k = linear(x, p + "attention.self.key", hidden, hidden);
            double[][] v = linear(x, p + "attention.self.value", hidden, hidden);
            int d = hidden / heads;
            double[][] ctx = new double[s][hidden];
            for (int hd = 0; hd < heads; hd++) {
                for (int i = 0; i < s; i++) {
                    double[] scores = new double[s];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += q[i][hd * d + e] * k[j][hd * d + e];
                        }
                        scores[j] = dot / Math.sqrt(d) + (1 - mask[j]) * (double) -Float.MAX_VALUE;
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < s; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j < s; j++) {
                        for (int e = 0; e < d; e++) {
                            ctx[i][hd * d + e] += scores[j] / sum * v[j][hd * d + e];
                        }
                    }
                }
            }
            double[][] attn = layerNorm(add(linear(ctx, p + "attention.output.dense", hidden, hidden), x), p + "attention.output.LayerNorm");
            double[][] inter = linear(attn, p + "intermediate.dense", hidden, intermediate);
            for (double[] row : inter) {
                for (int h = 0; h < row.length; h++) {
                    row[h] = gelu(row[h]);
                }
            }
            x = layerNorm(add(linear(inter, p + "output.dense", intermediate, hidden), attn), p + "output.LayerNorm");
        }
        double[][] pooled = linear(new double[][] {x[0]}, "bert.pooler.dense", hidden, hidden);
        for (int h = 0; h < hidden; h++) {
            pooled[0][h] = Math.tanh(pooled[0][h]);
        }
        return linear(pooled, "classifier", hidden, numLabels)[0];
    }

    private double[][] linear(double[][] x, String name, int in, int out) {
        float[] wt = w.get(name + ".weight");
        float[] b = w.get(name + ".bias");
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int j = 0; j < in; j++) {
                    acc += wt[o * in + j] * x[i][j]; // torch layout: weight[out][in]
                }
                y[i][o] = acc;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String name) {
        float[] g = w.get(name + ".weight");
        float[] b = w.get(name + ".bias");
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            int n = x[i].length;
            double mean = 0;
            for (double v : x[i]) {
                mean += v;
            }
            mean /= n;
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean);
            }
            var /= n; // biased variance, as torch's layer_norm
            y[i] = new double[n];
            for (int h = 0; h < n; h++) {
                y[i][h] = (x[i][h] - mean) / Math.sqrt(var + eps) * g[h] + b[h];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            y[i] = new double[a[i].length];
            for (int h = 0; h < a[i].length; h++) {
                y[i][h] = a[i][h] + b[i][h];
            }
        }
        return y;
    }

    static double gelu(double x) {
        return x * 0.5 * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf via its Maclaurin series (|x| < 3) or the continued fraction of erfc: accurate to ~1e-12 here. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // Lentz-free backward evaluation of erfc's continued fraction.
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }
}
