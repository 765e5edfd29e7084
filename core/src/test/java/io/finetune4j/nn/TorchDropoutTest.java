package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import org.junit.jupiter.api.Test;

/** Dropout keeps torch's semantics (zero with probability p, scale the rest by 1/(1-p), same mask in backward). */
class TorchDropoutTest {
    @Test
    void dropsAboutPAndScalesTheRestAndBackwardUsesTheSameMask() {
        double p = 0.25;
        TorchDropout dropout = new TorchDropout(p);
        try (Scope step = Scope.open()) {
            Tensor x = Tensor.full(2, DType.FLOAT32, 200, 100).requiresGrad_(true);
            float[] y;
            Tensor out;
            Tensor sum;
            try (Autograd grad = Autograd.enableGrad()) {
                out = dropout.forward(x, true);
                sum = out.sum();
            }
            y = out.toFloatArray();
            sum.backward();
            float[] grad = x.grad().toFloatArray();
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

            Tensor same = Tensor.ones(DType.FLOAT32, 3);
            assertSame(same, dropout.forward(same, false));
            assertArrayEquals(new float[3], new TorchDropout(1.0).forward(same, true).toFloatArray());
        }
    }

    @Test
    void printsLikeTorch() {
        assertEquals("Dropout(p=0.1, inplace=False)", new TorchDropout(0.1).toString());
    }
}
