package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Dropout keeps torch's semantics (zero with probability p, scale the rest by 1/(1-p), same mask in backward). */
class TorchDropoutTest {
    @Test
    void dropsAboutPAndScalesTheRestAndBackwardUsesTheSameMask() {
        double p = 0.25;
        TorchDropout dropout = new TorchDropout(p);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(200, 100)).mul(2f);
            x.setRequiresGradient(true);
            float[] y;
            float[] grad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = dropout.forward(x, true);
                y = out.toFloatArray();
                gc.backward(out.sum());
            }
            grad = x.getGradient().toFloatArray();
            int zeros = 0;
            for (int i = 0; i < y.length; i++) {
                if (y[i] == 0f) {
                    zeros++;
                    assertEquals(0f, grad[i]);
                } else {
                    assertEquals(2f / 0.75f, y[i], 1e-6f);
                    assertEquals(1f / 0.75f, grad[i], 1e-6f);
                }
            }
            assertEquals(p, zeros / (double) y.length, 0.03);

            NDArray same = m.ones(new Shape(3));
            assertSame(same, dropout.forward(same, false));
            assertArrayEquals(new float[3], new TorchDropout(1.0).forward(same, true).toFloatArray());
        }
    }
}
