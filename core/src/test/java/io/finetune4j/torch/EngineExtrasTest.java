package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the JavaCPP engine adds to the DJL-era face: autocast, SDPA, generator state, the natives' report. */
class EngineExtrasTest {

    static Tensor randn(Random r, long... shape) {
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    @Test
    void autocastBf16RunsMatmulsInBf16AndFloat32MasterWeightsGetFloat32Grads() {
        Random r = new Random(1);
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor w = randn(r, 16, 8).requiresGrad_(true);
            Tensor b = Tensor.zeros(DType.FLOAT32, 8).requiresGrad_(true);
            Tensor x = randn(r, 4, 16);
            Tensor loss;
            Tensor y;
            assertFalse(Autocast.isEnabled(Device.Type.CPU));
            try (Autocast a = Autocast.enable(Device.Type.CPU, DType.BFLOAT16)) {
                assertTrue(Autocast.isEnabled(Device.Type.CPU));
                assertEquals(DType.BFLOAT16, Autocast.dtype(Device.Type.CPU));
                y = x.matmul(w);
                assertEquals(DType.BFLOAT16, y.dtype(), "matmul under autocast runs in bf16");
                assertEquals(DType.BFLOAT16, Tensor.linear(x, w.transpose(0, 1), b).dtype());
                try (Autocast off = Autocast.disable(Device.Type.CPU)) {
                    assertEquals(DType.FLOAT32, x.matmul(w).dtype());
                }
                assertTrue(Autocast.isEnabled(Device.Type.CPU), "the inner guard restores the outer setting");
                loss = y.to(DType.FLOAT32).add(b).square().sum();
            }
            assertFalse(Autocast.isEnabled(Device.Type.CPU));
            assertEquals(DType.FLOAT32, x.matmul(w).dtype(), "off again after the guard");
            loss.backward();
            assertEquals(DType.FLOAT32, w.dtype());
            assertEquals(DType.FLOAT32, w.grad().dtype(), "float32 master weights get float32 grads");
            assertEquals(DType.FLOAT32, b.grad().dtype());
            // the bf16 result is close to float32's
            float[] exact = x.matmul(w).toFloatArray();
            float[] half = y.toFloatArray();
            for (int i = 0; i < exact.length; i++) {
                assertEquals(exact[i], half[i], 0.05 * Math.max(1, Math.abs(exact[i])));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Autocast.enable(Device.Type.CPU, DType.FLOAT32));
    }

    @Test
    void bf16TensorsConvertAndComputeWithoutAborting() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1.5f, -2.25f, 3f});
            Tensor h = x.to(DType.BFLOAT16);
            assertEquals(DType.BFLOAT16, h.dtype());
            assertEquals(6, h.toByteBuffer().remaining());
            assertArrayEquals(new float[] {1.5f, -2.25f, 3f}, h.mul(1).toFloatArray(), 0);
            assertEquals(DType.BFLOAT16, h.add(h).dtype());
        }
    }

    @Test
    void sdpaEqualsExplicitAttentionInFloat32() {
        Random r = new Random(2);
        int b = 2;
        int heads = 3;
        int t = 5;
        int d = 8;
        try (Scope s = Scope.open()) {
            Tensor q = randn(r, b, heads, t, d);
            Tensor k = randn(r, b, heads, t, d);
            Tensor v = randn(r, b, heads, t, d);
            float[] m = new float[b * t];
            m[t - 1] = -1e4f; // the last key of the first row is padding
            m[2 * t - 2] = -1e4f;
            m[2 * t - 1] = -1e4f;
            Tensor mask = Tensor.of(m, b, 1, 1, t);
            Tensor explicit = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(d)).add(mask).softmax(-1).matmul(v);
            Tensor fused = Tensor.scaledDotProductAttention(q, k, v, mask, 0.1, false);
            assertArrayEquals(new long[] {b, heads, t, d}, fused.shape());
            assertArrayEquals(explicit.toFloatArray(), fused.toFloatArray(), 1e-5f);
            Tensor noMask = Tensor.scaledDotProductAttention(q, k, v, null, 0, false);
            assertArrayEquals(q.matmul(k.transpose(-2, -1)).div(Math.sqrt(d)).softmax(-1).matmul(v).toFloatArray(),
                    noMask.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void geluMatchesItsDefinition() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 0.5f, 2});
            float[] exact = x.gelu().toFloatArray();
            float[] tanh = x.gelu("tanh").toFloatArray();
            float[] xs = x.toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double e = 0.5 * xs[i] * (1 + erf(xs[i] / Math.sqrt(2)));
                double th = 0.5 * xs[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (xs[i] + 0.044715 * Math.pow(xs[i], 3))));
                assertEquals(e, exact[i], 1e-5);
                assertEquals(th, tanh[i], 1e-5);
            }
        }
    }

    private static double erf(double z) { // Abramowitz-Stegun 7.1.26 is too coarse; use a series
        double sum = 0;
        double term = z;
        for (int n = 0; n < 60; n++) {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void rngStateRoundTripReproducesDropoutMasks() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(DType.FLOAT32, 256);
            Torch.manualSeed(123);
            Tensor.dropout(x, 0.5, true); // advance the generator
            byte[] state = Torch.rngState();
            assertEquals(5056, state.length, "torch.get_rng_state() of the CPU generator is 5056 bytes");
            float[] a = Tensor.dropout(x, 0.5, true).toFloatArray();
            float[] b = Tensor.dropout(x, 0.5, true).toFloatArray();
            assertFalse(Arrays.equals(a, b));
            Torch.manualSeed(999); // something else in between
            Tensor.dropout(x, 0.5, true);
            Torch.setRngState(state);
            assertArrayEquals(a, Tensor.dropout(x, 0.5, true).toFloatArray(), "the restored state gives the same mask");
            assertArrayEquals(b, Tensor.dropout(x, 0.5, true).toFloatArray());
            assertArrayEquals(state, restoredThenRead(state));
        }
    }

    private static byte[] restoredThenRead(byte[] state) {
        Torch.setRngState(state);
        return Torch.rngState();
    }

    @Test
    void reportsVersionNativesDevicesAndCpu() throws Exception {
        assertEquals("2.10.0", Torch.version());
        String classifier = Torch.nativesClassifier();
        assertTrue(classifier.equals("linux-x86_64") || classifier.equals("linux-x86_64-gpu"), classifier);
        assertNotNull(Torch.loadedLibrary());
        if (classifier.equals("linux-x86_64")) {
            assertFalse(Torch.cudaIsAvailable());
            assertEquals(0, Torch.cudaDeviceCount());
        }
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            boolean native16 = flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
            assertEquals(native16, Torch.cpuHasNativeBf16());
            assertNotNull(Torch.cpuModel());
        }
        assertTrue(Torch.cacheDir().isDirectory());
        assertTrue(Files.exists(Torch.cacheDir().toPath().resolve(Torch.LOCK_FILE)));
    }

    @Test
    void stepsInScopesDoNotGrowTheProcess() throws Exception {
        Random r = new Random(3);
        Tensor w;
        try (Scope s = Scope.open()) {
            w = s.keep(randn(r, 256, 256).requiresGrad_(true));
        }
        for (int i = 0; i < 20; i++) { // warm up the allocator
            step(w);
        }
        long before = rssKb();
        for (int i = 0; i < 200; i++) { // 200 steps x ~0.5 MB of activations and grads
            step(w);
        }
        long grownMb = (rssKb() - before) / 1024;
        assertTrue(grownMb < 64, "RSS grew by " + grownMb + " MB over 200 scoped steps");
        assertFalse(w.isClosed());
        w.close();
    }

    private static void step(Tensor w) {
        try (Scope s = Scope.open(); Autograd g = Autograd.enableGrad()) {
            Tensor x = Tensor.ones(DType.FLOAT32, 128, 256);
            x.matmul(w).relu().matmul(w).sum().backward();
            try (Autograd n = Autograd.noGrad()) {
                w.sub_(w.grad().mul(1e-6));
                w.grad().zero_();
            }
        }
    }

    private static long rssKb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    @Test
    void opsPortedFromTheSlices() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
            assertArrayEquals(new float[] {1, 2, 3, 12}, x.cumprod(1, DType.FLOAT32).toFloatArray(), 0);
            assertEquals(DType.FLOAT64, x.cumprod(0, DType.FLOAT64).dtype());
            assertArrayEquals(new float[4], x.zerosLike().toFloatArray(), 0);
            for (float v : Tensor.zeros(DType.FLOAT32, 1000).randLike().toFloatArray()) {
                assertTrue(v >= 0 && v < 1, "rand_like " + v);
            }
            for (float v : Tensor.zeros(DType.FLOAT32, 1000).uniformLike(-2, -1).toFloatArray()) {
                assertTrue(v >= -2 && v < -1, "uniform " + v);
            }
            Tensor r = Tensor.randn(DType.FLOAT64, 3, 4);
            assertEquals(DType.FLOAT64, r.dtype());
            assertArrayEquals(new long[] {3, 4}, r.shape());
            for (long v : Tensor.randint(5, 8, 100).toLongArray()) {
                assertTrue(v >= 5 && v < 8, "randint " + v);
            }
            // conv1d: (batch 1, channels 1, length 4) with kernel [1, -1], padding 1
            Tensor c = Tensor.conv1d(Tensor.of(new float[] {1, 2, 4, 8}, 1, 1, 4), Tensor.of(new float[] {1, -1}, 1, 1, 2),
                    Tensor.of(new float[] {10}), 1, 1, 1, 1);
            assertArrayEquals(new float[] {9, 9, 8, 6, 18}, c.toFloatArray(), 0);
            try (Autograd g = Autograd.enableGrad()) {
                Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad_(true);
                assertEquals(null, w.definedGrad());
                w.zeroGrad(); // nothing without a grad
                w.mul(Float.POSITIVE_INFINITY).sum().backward();
                w.mul(Float.NaN).sum().backward();
                w.zeroGrad();
                assertArrayEquals(new float[] {0, 0}, w.grad().toFloatArray(), 0, "zeroGrad fills NaN/inf with 0");
            }
        }
    }

    @Test
    void scopedHandsTheResultToTheCallersScopeAndLiveCountReturnsToItsLevel() {
        Tensor inner;
        Tensor result;
        int before;
        try (Scope outer = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2});
            before = Tensor.liveCount();
            Tensor[] tmp = new Tensor[1];
            result = Tensor.scoped(() -> {
                tmp[0] = x.mul(2);
                return tmp[0].add(1);
            });
            inner = tmp[0];
            assertTrue(inner.isClosed(), "the body's intermediates are freed on return");
            assertFalse(result.isClosed());
            assertArrayEquals(new float[] {3, 5}, result.toFloatArray(), 0);
        }
        assertTrue(result.isClosed(), "the result belonged to the caller's scope");
        Tensor kept;
        try (Scope outer = Scope.open()) {
            Tensor x = outer.keep(Tensor.of(new float[] {1}));
            Tensor same = Tensor.scoped(() -> x); // a body may return a tensor it did not make
            assertFalse(same.isClosed());
            kept = x;
        }
        assertFalse(kept.isClosed(), "a kept tensor stays kept through scoped()");
        kept.close();
        Tensor free = Tensor.scoped(() -> Tensor.of(new float[] {2})); // no caller scope: the caller owns it
        assertFalse(free.isClosed());
        free.close();
        int level = Tensor.liveCount();
        for (int i = 0; i < 50; i++) {
            try (Scope s = Scope.open()) {
                Tensor.ones(DType.FLOAT32, 8).mul(3).add(1).sum();
            }
        }
        assertEquals(level, Tensor.liveCount(), "scoped steps leave no native object behind");
        assertTrue(before > 0);
    }
}
