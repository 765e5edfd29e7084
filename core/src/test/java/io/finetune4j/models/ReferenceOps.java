package io.finetune4j.models;

import io.finetune4j.io.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Plain-Java building blocks (double precision loops over float weights by HF name) for the reference forwards
 * of the model families. Nothing here touches DJL, so a reference built from these checks the DJL model
 * independently. Activations are torch's formulas.
 */
public final class ReferenceOps {
    private final Map<String, float[]> w = new HashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();

    public ReferenceOps(Map<String, Tensor> weights) {
        weights.forEach((k, t) -> {
            w.put(k, t.toFloats());
            shapes.put(k, t.shape());
        });
    }

    public boolean has(String name) {
        return w.containsKey(name);
    }

    public float[] get(String name) {
        float[] v = w.get(name);
        if (v == null) {
            throw new IllegalArgumentException("reference: no weight " + name + " (have " + new java.util.TreeSet<>(w.keySet()) + ")");
        }
        return v;
    }

    public long[] shape(String name) {
        return shapes.get(name);
    }

    /** Row {@code row} of a [n, dim] matrix. */
    public double[] row(String name, int row, int dim) {
        float[] m = get(name);
        double[] out = new double[dim];
        for (int h = 0; h < dim; h++) {
            out[h] = m[row * dim + h];
        }
        return out;
    }

    /** Rows of an embedding table {@code [num, dim]} by id. */
    public double[][] embed(String name, long[] ids, int dim) {
        float[] t = get(name);
        double[][] out = new double[ids.length][dim];
        for (int i = 0; i < ids.length; i++) {
            for (int h = 0; h < dim; h++) {
                out[i][h] = t[(int) ids[i] * dim + h];
            }
        }
        return out;
    }

    /** torch's Linear: {@code x W^T + b}, W stored [out, in]; the bias is used when {@code name.bias} exists. */
    public double[][] linear(double[][] x, String name) {
        float[] wt = get(name + ".weight");
        long[] s = shapes.get(name + ".weight");
        int out = (int) s[0];
        int in = (int) s[1];
        float[] b = w.get(name + ".bias");
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != in) {
                throw new IllegalArgumentException(name + ": input width " + x[i].length + " but weight is [" + out + ", " + in + "]");
            }
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                for (int j = 0; j < in; j++) {
                    acc += wt[o * in + j] * x[i][j];
                }
                y[i][o] = acc;
            }
        }
        return y;
    }

    /** torch's Linear with explicit sizes and a required bias (when {@code biasName} is not null); {@code weightName} lets a tied weight be used. */
    public double[][] linear(double[][] x, String weightName, String biasName, int in, int out) {
        float[] wt = get(weightName);
        float[] b = biasName == null ? null : get(biasName);
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                for (int j = 0; j < in; j++) {
                    acc += wt[o * in + j] * x[i][j];
                }
                y[i][o] = acc;
            }
        }
        return y;
    }

    /** torch's Linear with explicit sizes; {@code name.bias} must exist. */
    public double[][] linear(double[][] x, String name, int in, int out) {
        return linear(x, name + ".weight", name + ".bias", in, out);
    }

    /** {@code x M^T} for a [rows, in] matrix M stored by name (a tied decoder). */
    public double[][] matmulTransposed(double[][] x, String name) {
        float[] m = get(name);
        long[] s = shapes.get(name);
        int rows = (int) s[0];
        int in = (int) s[1];
        double[][] y = new double[x.length][rows];
        for (int i = 0; i < x.length; i++) {
            for (int r = 0; r < rows; r++) {
                double acc = 0;
                for (int j = 0; j < in; j++) {
                    acc += m[r * in + j] * x[i][j];
                }
                y[i][r] = acc;
            }
        }
        return y;
    }

    /** torch's LayerNorm over the last dim (biased variance); the bias is optional ({@code bias=False} norms). */
    public double[][] layerNorm(double[][] x, String name, double eps) {
        float[] g = get(name + ".weight");
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
            var /= n;
            y[i] = new double[n];
            for (int h = 0; h < n; h++) {
                y[i][h] = (x[i][h] - mean) / Math.sqrt(var + eps) * g[h] + (b == null ? 0 : b[h]);
            }
        }
        return y;
    }

    public static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            y[i] = new double[a[i].length];
            for (int h = 0; h < a[i].length; h++) {
                y[i][h] = a[i][h] + b[i][h];
            }
        }
        return y;
    }

    /** Multi-head softmax(q kᵀ/√d + (1-mask)·finfo.min) v for one sequence; q, k, v {@code [seq, heads·d]}. */
    public static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, long[] mask) {
        int s = q.length;
        int hidden = q[0].length;
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
                    scores[j] = dot / Math.sqrt(d) + (mask == null ? 0 : (1 - mask[j]) * (double) -Float.MAX_VALUE);
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
        return ctx;
    }

    /** Softmax of one row of scores. */
    public static double[] softmax(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        double[] p = new double[scores.length];
        for (int j = 0; j < scores.length; j++) {
            p[j] = Math.exp(scores[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < scores.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** HF's ACT2FN by name, applied in place. */
    public static double[][] act(double[][] x, String name) {
        for (double[] row : x) {
            for (int h = 0; h < row.length; h++) {
                row[h] = act(row[h], name);
            }
        }
        return x;
    }

    public static double act(double x, String name) {
        return switch (name) {
            case "gelu" -> gelu(x);
            case "gelu_new", "gelu_pytorch_tanh" -> geluNew(x);
            case "relu" -> Math.max(0, x);
            case "tanh" -> Math.tanh(x);
            case "silu", "swish" -> x / (1 + Math.exp(-x));
            default -> throw new IllegalArgumentException("reference: activation " + name);
        };
    }

    /** Applies {@code f} elementwise, in place; returns {@code x}. */
    public static double[][] map(double[][] x, java.util.function.DoubleUnaryOperator f) {
        for (double[] row : x) {
            for (int h = 0; h < row.length; h++) {
                row[h] = f.applyAsDouble(row[h]);
            }
        }
        return x;
    }

    /** Exact GELU {@code x·Φ(x)}. */
    public static double gelu(double x) {
        return x * 0.5 * (1 + erf(x / Math.sqrt(2)));
    }

    /** HF's gelu_new (tanh approximation). */
    public static double geluNew(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** erf via its Maclaurin series (|x| < 3) or erfc's continued fraction: accurate to ~1e-12 here. */
    public static double erf(double x) {
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
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }

    /** BERT's encoder layer {@code prefix} (attention.self.query … output.LayerNorm), post-LN, exact GELU. */
    public double[][] bertLayer(double[][] x, String p, int hidden, int heads, int intermediate, long[] mask, double eps) {
        double[][] q = linear(x, p + "attention.self.query", hidden, hidden);
        double[][] k = linear(x, p + "attention.self.key", hidden, hidden);
        double[][] v = linear(x, p + "attention.self.value", hidden, hidden);
        double[][] ctx = attention(q, k, v, heads, mask);
        double[][] attn = layerNorm(add(linear(ctx, p + "attention.output.dense", hidden, hidden), x), p + "attention.output.LayerNorm", eps);
        double[][] inter = map(linear(attn, p + "intermediate.dense", hidden, intermediate), ReferenceOps::gelu);
        return layerNorm(add(linear(inter, p + "output.dense", intermediate, hidden), attn), p + "output.LayerNorm", eps);
    }
}
