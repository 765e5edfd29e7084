package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The contract of {@link Autograd} and the autograd side of {@link Tensor}; {@link Torch}'s process state. */
class AutogradTest {
    private static final float EPS = 1e-5f;

    @Test
    void guardsSetAndRestoreTheGradMode() {
        boolean before = Autograd.isEnabled();
        try (Autograd g = Autograd.enableGrad()) {
            assertTrue(Autograd.isEnabled());
            try (Autograd n = Autograd.noGrad()) {
                assertFalse(Autograd.isEnabled());
                try (Autograd e = Autograd.enableGrad()) {
                    assertTrue(Autograd.isEnabled());
                }
                assertFalse(Autograd.isEnabled());
            }
            assertTrue(Autograd.isEnabled());
        }
        assertEquals(before, Autograd.isEnabled());
        Autograd.setEnabled(false);
        assertFalse(Autograd.isEnabled());
        Autograd.setEnabled(true);
        assertTrue(Autograd.isEnabled());
        Autograd.setEnabled(before);
    }

    @Test
    void gradModeIsPerThread() throws Exception {
        try (Autograd g = Autograd.enableGrad()) {
            AtomicBoolean otherSawOff = new AtomicBoolean();
            Thread th = new Thread(() -> {
                try (Autograd n = Autograd.noGrad()) {
                    otherSawOff.set(!Autograd.isEnabled());
                }
            });
            th.start();
            th.join();
            assertTrue(otherSawOff.get());
            assertTrue(Autograd.isEnabled(), "another thread's no_grad leaves this thread's mode alone");
        }
    }

    @Test
    void backwardOfAScalarFillsLeafGradsAndAccumulates() {
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad_(true);
            Tensor x = Tensor.of(new float[] {4, 5, 6});
            assertTrue(w.requiresGrad());
            assertFalse(x.requiresGrad());
            assertNull(x.grad());
            Tensor loss = w.mul(x).sum(); // d/dw = x
            loss.backward();
            Tensor grad = w.grad();
            assertNotNull(grad);
            assertArrayEquals(new float[] {4, 5, 6}, grad.toFloatArray(), EPS);
            w.square().sum().backward(); // += 2w
            assertArrayEquals(new float[] {6, 9, 12}, w.grad().toFloatArray(), EPS, "grads accumulate as torch's");
            w.grad().zero_();
            assertArrayEquals(new float[] {0, 0, 0}, w.grad().toFloatArray(), EPS, "grad() is the accumulated tensor itself");
        }
    }

    @Test
    void backwardWithAGivenGradient() {
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad_(true);
            Tensor y = w.mul(3);
            Autograd.backward(y, Tensor.of(new float[] {1, 10}));
            assertArrayEquals(new float[] {3, 30}, w.grad().toFloatArray(), EPS);
        }
    }

    @Test
    void gradsFlowThroughMatmulSoftmaxAndTheNnFunctions() {
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 2, 3).requiresGrad_(true);
            Tensor gamma = Tensor.ones(DType.FLOAT32, 2).requiresGrad_(true);
            Tensor beta = Tensor.zeros(DType.FLOAT32, 2).requiresGrad_(true);
            Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0, 1}, 2, 3);
            Tensor h = Tensor.layerNorm(Tensor.linear(x, w, null), gamma, beta, 1e-5).softmax(-1);
            h.select(1, 0).sum().backward();
            assertArrayEquals(new long[] {2, 3}, w.grad().shape());
            assertArrayEquals(new long[] {2}, beta.grad().shape());
            double sum = 0;
            for (float v : beta.grad().toFloatArray()) {
                sum += v;
            }
            assertEquals(0, sum, 1e-5, "the softmax column's grad through beta sums to 0 over the two classes");
        }
    }

    @Test
    void noGradRecordsNothingAndDetachLeavesTheGraph() {
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad_(true);
            try (Autograd n = Autograd.noGrad()) {
                assertFalse(w.mul(2).requiresGrad());
            }
            assertFalse(w.detach().requiresGrad());
            assertSame(w, w.requiresGrad_(false));
            assertFalse(w.requiresGrad());
        }
    }

    @Test
    void resultsOfOpsOnLeavesThatRequireGradRequireGrad() {
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad_(true);
            assertTrue(w.mul(2).requiresGrad());
            assertTrue(w.sum().requiresGrad());
        }
    }

    @Test
    void torchProcessState() {
        Torch.load();
        Torch.load(); // idempotent
        assertTrue(Torch.version().matches("\\d+\\.\\d+\\.\\d+.*"), Torch.version());
        int threads = Torch.numThreads();
        assertTrue(threads >= 1);
        Torch.setNumThreads(threads);
        assertEquals(threads, Torch.numThreads());
        assertTrue(Torch.numInteropThreads() >= 1);
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(DType.FLOAT32, 64);
            Torch.manualSeed(42);
            float[] a = Tensor.dropout(x, 0.3, true).toFloatArray();
            float[] b = Tensor.dropout(x, 0.3, true).toFloatArray();
            Torch.manualSeed(42);
            assertArrayEquals(a, Tensor.dropout(x, 0.3, true).toFloatArray());
            assertArrayEquals(b, Tensor.dropout(x, 0.3, true).toFloatArray());
        }
    }
}
