package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.nn.Parameter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameters unfrozen after the optimizer was built (gradual unfreezing) join it with their own step count. */
class AdamWLateParametersTest {
    @TempDir
    Path tmp;

    private static Parameter param(Scope m, String name, float[] values, boolean trainable) {
        return Parameter.of(name, Parameter.Type.WEIGHT, Tensor.of(values)).requiresGrad_(trainable);
    }

    /** Gradient of sum(p · c) for every trainable parameter. */
    private static void backward(Scope m, Map<String, Parameter> params, float c) {
        try (Scope step = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor loss = null;
            for (Parameter p : params.values()) {
                Tensor term = p.data().mul(c).sum();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
        }
    }

    @Test
    void aParameterUnfrozenLaterGetsStateAndAFirstAdamStep() {
        try (Scope m = Scope.open()) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("head.weight", param(m, "head.weight", new float[] {1f, 2f}, true));
            params.put("layer.weight", param(m, "layer.weight", new float[] {1f, 2f}, false));
            try (AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0.0)) {
                assertEquals(List.of("head.weight"), opt.parameterNames());
                for (int i = 0; i < 3; i++) {
                    backward(m, params, 0.5f);
                    opt.clipGradNorm(0);
                    opt.step(0.1);
                    opt.zeroGrad();
                }
                assertArrayEquals(new float[] {1f, 2f}, params.get("layer.weight").data().toFloatArray(), "frozen: untouched");

                params.get("layer.weight").requiresGrad_(true);
                backward(m, params, 0.5f);
                opt.clipGradNorm(0);
                opt.step(0.1);
                opt.zeroGrad();
                assertEquals(List.of("head.weight", "layer.weight"), opt.parameterNames());
                // torch's first AdamW step with its own state: m̂/√v̂ = g/|g|, so the move is lr (minus eps effects)
                float[] w = params.get("layer.weight").data().toFloatArray();
                assertEquals(0.9f, w[0], 1e-5f);
                assertEquals(1.9f, w[1], 1e-5f);

                // frozen again: skipped, not an error
                params.get("layer.weight").requiresGrad_(false);
                backward(m, params, 0.5f);
                opt.clipGradNorm(1.0);
                opt.step(0.1);
                opt.zeroGrad();
                assertArrayEquals(w, params.get("layer.weight").data().toFloatArray());

                // its state and join step survive save/load into an optimizer built while it is frozen
                Path file = tmp.resolve("optimizer.safetensors");
                opt.save(file);
                Path pt = tmp.resolve("optimizer.pt"); // HF's file: indices mapped back through param_names
                opt.saveStateDict(pt, 0.1, 0.1);
                try (AdamW fresh = new AdamW(params, 0.9, 0.999, 1e-8, 0.0)) {
                    fresh.load(file);
                    params.get("layer.weight").requiresGrad_(true);
                    backward(m, params, 0.5f);
                    float[] w0 = params.get("layer.weight").data().toFloatArray();
                    fresh.step(0.1);
                    float[] w1 = params.get("layer.weight").data().toFloatArray();
                    opt.step(0.1); // the same gradients and restored state: the same move (no weight decay)
                    float[] w2 = params.get("layer.weight").data().toFloatArray();
                    assertEquals(w1[0] - w0[0], w2[0] - w1[0], 1e-6f);
                    assertEquals(w1[1] - w0[1], w2[1] - w1[1], 1e-6f);
                    assertNotEquals(0f, w1[0] - w0[0]);
                }
                // optimizer.pt restores the same state as optimizer.safetensors
                params.get("layer.weight").requiresGrad_(false);
                try (AdamW legacy = new AdamW(params, 0.9, 0.999, 1e-8, 0.0); AdamW hf = new AdamW(params, 0.9, 0.999, 1e-8, 0.0)) {
                    legacy.load(file);
                    hf.loadStateDict(pt);
                    params.get("layer.weight").requiresGrad_(true);
                    backward(m, params, 0.5f);
                    float[] w0 = params.get("layer.weight").data().toFloatArray();
                    legacy.step(0.1);
                    float[] w1 = params.get("layer.weight").data().toFloatArray();
                    hf.step(0.1);
                    float[] w2 = params.get("layer.weight").data().toFloatArray();
                    assertEquals(w1[0] - w0[0], w2[0] - w1[0], 1e-6f);
                    assertEquals(w1[1] - w0[1], w2[1] - w1[1], 1e-6f);
                    assertEquals(legacy.stepCount(), hf.stepCount());
                }
            }
        }
    }
}
