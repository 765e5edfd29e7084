package io.finetune4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
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

    /** One dropout of a tensor large enough for the parallel draw, as float32 values and gradients, under a seed. */
    private static float[][] dropped(long seed, DType dtype, double p) {
        Torch.manualSeed(seed);
        try (Scope step = Scope.open()) {
            Tensor x = Tensor.full(2, DType.FLOAT32, 3, 100_003).to(dtype).requiresGrad_(true);
            Tensor out;
            try (Autograd grad = Autograd.enableGrad()) {
                out = new TorchDropout(p).forward(x, true);
            }
            assertEquals(dtype, out.dtype());
            out.to(DType.FLOAT32).sum().backward();
            return new float[][] {out.to(DType.FLOAT32).toFloatArray(), x.grad().to(DType.FLOAT32).toFloatArray()};
        }
    }

    @Test
    void largeTensorsDropExactlyPInEveryDtypeAndTheMaskIsAFunctionOfTheSeedAlone() {
        double p = 0.1;
        for (DType dtype : new DType[] {DType.FLOAT32, DType.BFLOAT16}) {
            float[][] a = dropped(7, dtype, p);
            int zeros = 0;
            float kept = dtype == DType.FLOAT32 ? (float) (2 / 0.9) : 2.21875f; // bf16(2 * float(1/0.9))
            for (int i = 0; i < a[0].length; i++) {
                if (a[0][i] == 0f) {
                    zeros++;
                    assertEquals(0f, a[1][i]);
                } else {
                    assertEquals(kept, a[0][i], 1e-6f);
                }
            }
            // 300,009 draws: the standard deviation of the fraction is 0.00055; a bfloat16 uniform would give 26/256
            assertEquals(p, zeros / (double) a[0].length, 0.003, dtype + " drops p");
            int threads = Torch.numThreads();
            try {
                Torch.setNumThreads(1);
                assertArrayEquals(a[0], dropped(7, dtype, p)[0], dtype + ": same seed, one thread, same mask");
            } finally {
                Torch.setNumThreads(threads);
            }
            assertArrayEquals(a[1], dropped(7, dtype, p)[1]);
            assertNotEquals(java.util.Arrays.hashCode(a[0]), java.util.Arrays.hashCode(dropped(8, dtype, p)[0]));
        }
    }

    @Test
    void printsLikeTorch() {
        assertEquals("Dropout(p=0.1, inplace=False)", new TorchDropout(0.1).toString());
    }
}
