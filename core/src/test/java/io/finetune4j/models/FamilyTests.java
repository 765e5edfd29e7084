package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.io.Tensor;
import io.finetune4j.models.auto.AutoModelForMaskedLM;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Test helpers shared by the family tests: scrambled weights, random ids, logits, the gradient checks (against a
 * plain-Java reference, or against the model's own loss) and the save → load round trip.
 */
public final class FamilyTests {
    private FamilyTests() {}

    /**
     * Replaces every parameter with random values (LayerNorm/norm weights around 1), so a comparison exercises
     * every weight rather than HF's 1/0 LayerNorm init and zero biases.
     */
    public static <M extends PreTrainedModel> M scramble(M model, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            float[] v = new float[(int) Tensor.numel(p.shape())];
            boolean norm = name.endsWith("LayerNorm.weight") || name.endsWith("norm.weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.3 + (norm ? 1 : 0));
            }
            w.put(name, Tensor.ofFloats(p.shape(), v));
        });
        model.loadWeights(w);
        return model;
    }

    /** Random ids in [1, vocab) of shape [batch][seq]. */
    public static long[][] randomIds(int batch, int seq, int vocab, long seed) {
        return randomIds(batch, seq, vocab, seed, 1);
    }

    /** Random ids in [low, vocab) of shape [batch][seq]. */
    public static long[][] randomIds(int batch, int seq, int vocab, long seed, int low) {
        Random r = new Random(seed);
        long[][] out = new long[batch][seq];
        for (long[] row : out) {
            for (int i = 0; i < seq; i++) {
                row[i] = low + r.nextInt(vocab - low);
            }
        }
        return out;
    }

    /** A mask with the first {@code lengths[b]} positions of row b set. */
    public static long[][] lengthsMask(int seq, int... lengths) {
        long[][] m = new long[lengths.length][seq];
        for (int b = 0; b < lengths.length; b++) {
            for (int i = 0; i < lengths[b]; i++) {
                m[b][i] = 1;
            }
        }
        return m;
    }

    /** Logits as floats (eval mode); tokenTypes and mask may be null. */
    public static float[] classifierLogits(SequenceClassifier model, long[][] ids, long[][] types, long[][] mask) {
        try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            return model.logits(tensor(ids), tensor(types), tensor(mask), false).toFloatArray();
        }
    }

    public static float[] maskedLmLogits(MaskedLMModel model, long[][] ids, long[][] types, long[][] mask) {
        try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            return model.logits(tensor(ids), tensor(types), tensor(mask), false).toFloatArray();
        }
    }

    /** {@code torch.tensor(rows)}, int64 {@code [rows, columns]}; null stays null. */
    public static io.finetune4j.torch.Tensor tensor(long[][] rows) {
        if (rows == null) {
            return null;
        }
        return io.finetune4j.torch.Tensor.of(Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray(), rows.length, rows[0].length);
    }

    /** The largest |a - b| (a from the DJL model, b from the reference). */
    public static double maxAbsDiff(float[] a, double[] b, int offset) {
        double max = 0;
        for (int i = 0; i < b.length; i++) {
            max = Math.max(max, Math.abs(a[offset + i] - b[i]));
        }
        return max;
    }

    /** Mean cross-entropy of per-row logits against labels (double precision), the loss the gradient check differentiates. */
    public static double crossEntropy(double[][] logits, long[] labels) {
        double total = 0;
        for (int b = 0; b < logits.length; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[b]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : logits[b]) {
                sum += Math.exp(v - max);
            }
            total += Math.log(sum) + max - logits[b][(int) labels[b]];
        }
        return total / logits.length;
    }

    /**
     * The gradient check: the DJL model's autograd gradient of the mean cross-entropy (its own forward(labels)) agrees
     * with a central finite difference of {@code referenceLoss} (a plain-Java double-precision forward over the same
     * weights) at a few elements of each named parameter. The perturbation 2^-10 is exact in float32 for the
     * magnitudes used, so the difference quotient sees exactly the weights it names. Every parameter must receive a
     * finite, non-zero gradient.
     */
    public static void gradientCheck(SequenceClassificationModel model, long[][] ids, long[][] types, long[][] mask, long[] labels,
            List<String> checked, ToDoubleFunction<Map<String, Tensor>> referenceLoss) {
        Map<String, Tensor> weights = model.stateDict();
        Map<String, float[]> grads = new LinkedHashMap<>();
        try (Scope step = Scope.open()) {
            try (Autograd grad = Autograd.enableGrad()) {
                io.finetune4j.torch.Tensor loss = model.forward(tensor(ids), tensor(types), tensor(mask),
                        io.finetune4j.torch.Tensor.of(labels), false).loss();
                double refLoss = referenceLoss.applyAsDouble(weights);
                assertEquals(refLoss, loss.item(), 1e-4, "loss: model vs reference");
                loss.backward();
            }
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                io.finetune4j.torch.Tensor g = e.getValue().data().grad();
                assertTrue(g != null, e.getKey() + " received no gradient");
                float[] v = g.toFloatArray();
                double abs = 0;
                for (float x : v) {
                    assertTrue(Float.isFinite(x), e.getKey() + " has a non-finite gradient");
                    abs += Math.abs(x);
                }
                assertTrue(abs > 0, e.getKey() + " received no gradient");
                grads.put(e.getKey(), v);
            }
        } finally {
            model.zeroGradients();
        }
        double eps = 1.0 / 1024;
        Random r = new Random(17);
        for (String name : checked) {
            Tensor t = weights.get(name);
            assertTrue(t != null, "no parameter " + name);
            float[] g = grads.get(name);
            // Three elements with a sizeable gradient, so the check is not comparing two near-zeros.
            int checkedHere = 0;
            for (int attempt = 0; attempt < 200 && checkedHere < 3; attempt++) {
                int i = r.nextInt(g.length);
                if (Math.abs(g[i]) < 1e-3) {
                    continue;
                }
                double plus = referenceLoss.applyAsDouble(perturbed(weights, name, i, eps));
                double minus = referenceLoss.applyAsDouble(perturbed(weights, name, i, -eps));
                double fd = (plus - minus) / (2 * eps);
                assertEquals(fd, g[i], 2e-3 + 2e-2 * Math.abs(fd), name + "[" + i + "]: autograd " + g[i] + " vs finite difference " + fd);
                checkedHere++;
            }
            assertTrue(checkedHere > 0, name + ": no element with a gradient above 1e-3");
        }
    }

    private static Map<String, Tensor> perturbed(Map<String, Tensor> weights, String name, int index, double eps) {
        Map<String, Tensor> out = new LinkedHashMap<>(weights);
        Tensor t = weights.get(name);
        float[] v = t.toFloats();
        v[index] = (float) (v[index] + eps);
        out.put(name, Tensor.ofFloats(t.shape(), v));
        return out;
    }

    /**
     * The model's own loss backward agrees with central finite differences on one element of each named parameter:
     * {@code name@i} checks element i, a plain name element 3 (or the last, when smaller).
     */
    public static void gradientCheck(SequenceClassificationModel model, long[][] ids, long[][] mask, Supplier<io.finetune4j.torch.Tensor> labels,
            List<String> names) {
        try (Scope step = Scope.open(); Autograd grad = Autograd.enableGrad()) {
            model.forward(tensor(ids), null, tensor(mask), labels.get(), false).loss().backward();
        }
        Map<String, Tensor> base = model.stateDict();
        for (String spec : names) {
            String name = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
            int at = spec.contains("@") ? Integer.parseInt(spec.substring(spec.indexOf('@') + 1))
                    : (int) Math.min(3, Tensor.numel(model.namedParameters().get(name).shape()) - 1);
            float analytic;
            try (Scope step = Scope.open()) {
                analytic = model.namedParameters().get(name).data().grad().toFloatArray()[at];
            }
            double[] losses = new double[2];
            for (int sign = 0; sign < 2; sign++) {
                Map<String, Tensor> w = new LinkedHashMap<>(base);
                float[] v = base.get(name).toFloats();
                v[at] += sign == 0 ? 1e-2f : -1e-2f;
                w.put(name, Tensor.ofFloats(base.get(name).shape(), v));
                model.loadWeights(w);
                try (Scope step = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                    losses[sign] = model.forward(tensor(ids), null, tensor(mask), labels.get(), false).loss().item();
                }
            }
            model.loadWeights(base);
            double numeric = (losses[0] - losses[1]) / 2e-2;
            assertEquals(numeric, analytic, 2e-3 + 0.05 * Math.abs(numeric), name);
        }
        model.zeroGradients();
    }

    /** savePretrained → AutoModelForSequenceClassification: same class, same state dict, same logits. */
    public static void roundTrip(SequenceClassificationModel model, Path dir, long[][] ids, long[][] mask) {
        model.savePretrained(dir);
        float[] before = classifierLogits(model, ids, null, mask);
        try (SequenceClassificationModel back = AutoModelForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().device(model.device()).build())) {
            assertEquals(model.getClass(), back.getClass());
            assertEquals(List.of(), back.loadReport().missingKeys());
            assertEquals(List.of(), back.loadReport().unexpectedKeys());
            assertEquals(model.config().withArchitectures(List.of(model.architecture())).toJson(), back.config().toJson());
            assertEquals(List.of(model.architecture()), back.config().architectures());
            assertEquals(model.namedParameters().keySet(), back.namedParameters().keySet());
            assertArrayEquals(before, classifierLogits(back, ids, null, mask), 0f);
        }
    }

    public static void roundTrip(MaskedLMModel model, Path dir, long[][] ids, long[][] mask) {
        model.savePretrained(dir);
        float[] before = maskedLmLogits(model, ids, null, mask);
        try (MaskedLMModel back = AutoModelForMaskedLM.fromPretrained(dir, LoadOptions.builder().device(model.device()).build())) {
            assertEquals(model.getClass(), back.getClass());
            assertEquals(List.of(), back.loadReport().missingKeys());
            assertEquals(List.of(), back.loadReport().unexpectedKeys());
            assertEquals(List.of(model.architecture()), back.config().architectures());
            assertArrayEquals(before, maskedLmLogits(back, ids, null, mask), 0f);
        }
    }
}
