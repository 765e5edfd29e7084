package io.finetune4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.finetune4j.io.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The checks every family's tests run on a tiny random model: scrambled weights, gradients, save → load. */
public final class FamilyTesting {
    private FamilyTesting() {}

    /** Replaces every parameter by N(0, 0.3²) (norm weights around 1), so biases and norms are not trivial. */
    public static <M extends PreTrainedModel> M scramble(M model, long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> w = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            float[] v = new float[(int) p.getShape().size()];
            boolean norm = name.matches(".*(LayerNorm|layer_norm|_norm)\\.weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.3 + (norm ? 1 : 0));
            }
            w.put(name, Tensor.ofFloats(p.getShape().getShape(), v));
        });
        model.loadWeights(w);
        return model;
    }

    public static long[][] randomIds(int batch, int seq, int vocab, long seed, int low) {
        Random r = new Random(seed);
        long[][] ids = new long[batch][seq];
        for (long[] row : ids) {
            for (int t = 0; t < seq; t++) {
                row[t] = low + r.nextInt(vocab - low);
            }
        }
        return ids;
    }

    /** Logits as floats (eval mode); tokenTypes and mask may be null. */
    public static float[] logits(SequenceClassifier model, long[][] ids, long[][] types, long[][] mask) {
        try (NDManager step = model.manager().newSubManager()) {
            return model.logits(step.create(ids), types == null ? null : step.create(types), mask == null ? null : step.create(mask), false)
                    .toFloatArray();
        }
    }

    public static float[] logits(MaskedLMModel model, long[][] ids, long[][] mask) {
        try (NDManager step = model.manager().newSubManager()) {
            return model.logits(step.create(ids), null, mask == null ? null : step.create(mask), false).toFloatArray();
        }
    }

    /**
     * The model's own loss backward agrees with central finite differences on one element of each named parameter:
     * {@code name@i} checks element i, a plain name element 3 (or the last, when smaller).
     */
    public static void gradientCheck(SequenceClassificationModel model, long[][] ids, long[][] mask, NDArrayMaker labels, List<String> names) {
        try (NDManager step = model.manager().newSubManager();
             GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
            gc.backward(model.forward(step.create(ids), null, step.create(mask), labels.make(step), false).loss());
        }
        Map<String, Tensor> base = model.stateDict();
        for (String spec : names) {
            String name = spec.contains("@") ? spec.substring(0, spec.indexOf('@')) : spec;
            int at = spec.contains("@") ? Integer.parseInt(spec.substring(spec.indexOf('@') + 1))
                    : (int) Math.min(3, model.namedParameters().get(name).getShape().size() - 1);
            float analytic;
            try (NDArray g = model.namedParameters().get(name).getArray().getGradient()) {
                analytic = g.toFloatArray()[at];
            }
            double[] losses = new double[2];
            for (int sign = 0; sign < 2; sign++) {
                Map<String, Tensor> w = new LinkedHashMap<>(base);
                float[] v = base.get(name).toFloats();
                v[at] += sign == 0 ? 1e-2f : -1e-2f;
                w.put(name, Tensor.ofFloats(base.get(name).shape(), v));
                model.loadWeights(w);
                try (NDManager step = model.manager().newSubManager()) {
                    losses[sign] = model.forward(step.create(ids), null, step.create(mask), labels.make(step), false).loss().getFloat();
                }
            }
            model.loadWeights(base);
            double numeric = (losses[0] - losses[1]) / 2e-2;
            assertEquals(numeric, analytic, 2e-3 + 0.05 * Math.abs(numeric), name);
        }
        model.zeroGradients();
    }

    /** Makes the labels in the step's manager. */
    @FunctionalInterface
    public interface NDArrayMaker {
        NDArray make(NDManager m);
    }

    /** savePretrained → AutoModelForSequenceClassification: same class, same state dict, same logits. */
    public static void roundTrip(SequenceClassificationModel model, Path dir, long[][] ids, long[][] mask) {
        model.savePretrained(dir);
        float[] before = logits(model, ids, null, mask);
        try (SequenceClassificationModel back = AutoModelForSequenceClassification.fromPretrained(dir,
                LoadOptions.builder().device(model.manager().getDevice()).build())) {
            assertEquals(model.getClass(), back.getClass());
            assertEquals(List.of(), back.loadReport().missingKeys());
            assertEquals(List.of(), back.loadReport().unexpectedKeys());
            assertEquals(model.config().withArchitectures(List.of(model.architecture())).toJson(), back.config().toJson());
            assertEquals(List.of(model.architecture()), back.config().architectures());
            assertEquals(model.namedParameters().keySet(), back.namedParameters().keySet());
            assertArrayEquals(before, logits(back, ids, null, mask), 0f);
        }
    }

    public static void roundTrip(MaskedLMModel model, Path dir, long[][] ids, long[][] mask) {
        model.savePretrained(dir);
        float[] before = logits(model, ids, mask);
        try (MaskedLMModel back = AutoModelForMaskedLM.fromPretrained(dir, LoadOptions.builder().device(model.manager().getDevice()).build())) {
            assertEquals(model.getClass(), back.getClass());
            assertEquals(List.of(), back.loadReport().missingKeys());
            assertEquals(List.of(), back.loadReport().unexpectedKeys());
            assertEquals(List.of(model.architecture()), back.config().architectures());
            assertArrayEquals(before, logits(back, ids, mask), 0f);
        }
    }
}
