package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.nn.Parameter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {
    @TempDir
    Path tmp;

    private static Parameter param(Scope m, String name, float[] values) {
        return Parameter.of(name, Parameter.Type.WEIGHT, Tensor.of(values).requiresGrad_(true));
    }

    /** Sets the gradients to {@code c} through a real backward of sum(p · c). */
    private static void backward(Scope m, Map<String, Parameter> params, Map<String, float[]> grads) {
        try (Scope step = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor loss = null;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Tensor term = Tensor.of(grads.get(e.getKey())).mul(e.getValue().data()).sum();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
        }
    }

    @Test
    void matchesTorchAdamWUpdateRule() {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        float[] w0 = {0.5f, -1.0f, 2.0f};
        float[] bias0 = {0.3f, -0.2f};
        float[][] gs = {{0.1f, -0.2f, 0.3f}, {-0.5f, 0.4f, 0.05f}, {1.0f, 1.0f, -2.0f}};
        float[][] gb = {{1f, -1f}, {0.5f, 0.25f}, {-0.1f, 0.2f}};
        try (Scope m = Scope.open()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("dense.weight", param(m, "dense.weight", w0));
            params.put("dense.bias", param(m, "dense.bias", bias0));
            AdamW opt = new AdamW(params, b1, b2, eps, wd);
            double[] w = toDouble(w0), mw = new double[3], vw = new double[3];
            double[] b = toDouble(bias0), mb = new double[2], vb = new double[2];
            for (int t = 1; t <= 3; t++) {
                backward(m, params, Map.of("dense.weight", gs[t - 1], "dense.bias", gb[t - 1]));
                opt.step(lr);
                opt.zeroGrad();
                reference(w, mw, vw, gs[t - 1], t, lr, b1, b2, eps, wd);
                reference(b, mb, vb, gb[t - 1], t, lr, b1, b2, eps, 0); // biases are not decayed
                assertClose(w, params.get("dense.weight").data().toFloatArray());
                assertClose(b, params.get("dense.bias").data().toFloatArray());
            }
            assertEquals(3, opt.stepCount());

            // state round trip: a fresh optimizer loaded from disk continues identically
            opt.save(tmp.resolve("optimizer.safetensors"));
            AdamW copy = new AdamW(params, b1, b2, eps, wd);
            copy.load(tmp.resolve("optimizer.safetensors"));
            assertEquals(3, copy.stepCount());
            backward(m, params, Map.of("dense.weight", gs[0], "dense.bias", gb[0]));
            copy.step(lr);
            reference(w, mw, vw, gs[0], 4, lr, b1, b2, eps, wd);
            assertClose(w, params.get("dense.weight").data().toFloatArray());
            copy.zeroGrad();
            opt.close();
            copy.close();
        }
    }

    /** torch.optim.AdamW, single-tensor path, in double precision. */
    private static void reference(double[] p, double[] m, double[] v, float[] g, int step, double lr, double b1, double b2,
            double eps, double wd) {
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + eps;
            p[i] -= lr / bc1 * m[i] / denom;
        }
    }

    @Test
    void decayRuleFollowsHuggingFace() {
        assertTrue(AdamW.decays("bert.encoder.layer.0.attention.self.query.weight"));
        assertFalse(AdamW.decays("bert.encoder.layer.0.attention.self.query.bias"));
        assertFalse(AdamW.decays("bert.embeddings.LayerNorm.weight"));
        assertFalse(AdamW.decays("model.layer_norm.weight"));
    }

    @Test
    void frozenParametersGetNoState() {
        try (Scope m = Scope.open()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("a.weight", param(m, "a.weight", new float[] {1, 2}));
            Parameter frozen = param(m, "b.weight", new float[] {3});
            frozen.requiresGrad_(false);
            params.put("b.weight", frozen);
            try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0)) {
                assertEquals(java.util.List.of("a.weight"), opt.parameterNames());
            }
        }
    }

    @Test
    void clipsTheGlobalNormAndReturnsItBeforeClipping() {
        try (Scope m = Scope.open()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("a.weight", param(m, "a.weight", new float[] {1, 1}));
            params.put("b.weight", param(m, "b.weight", new float[] {1}));
            backward(m, params, Map.of("a.weight", new float[] {3, 0}, "b.weight", new float[] {4}));
            try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0)) {
                assertEquals(5.0, opt.clipGradNorm(1.0), 1e-5);
                assertEquals(1.0, opt.clipGradNorm(0), 1e-5); // measured again after clipping
                opt.zeroGrad();
                assertEquals(0.0, opt.clipGradNorm(0), 1e-9);
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }
}
