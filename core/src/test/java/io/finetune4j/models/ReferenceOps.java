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
            case "gelu" -> x * 0.5 * (1 + erf(x / Math.sqrt(2)));
            case "gelu_new", "gelu_pytorch_tanh" -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case "relu" -> Math.max(0, x);
            case "tanh" -> Math.tanh(x);
            case "silu", "swish" -> x / (1 + Math.exp(-x));
            default -> throw new IllegalArgumentException("reference: activation " + name);
        };
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
}
