package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The contract of {@link Scope}: what a scope frees on close, what {@code keep} saves, how scopes nest. */
class ScopeTest {

    @Test
    void closeFreesEveryTensorMadeInsideIncludingOpResults() {
        Tensor a;
        Tensor b;
        Tensor c;
        try (Scope s = Scope.open()) {
            a = Tensor.of(new float[] {1, 2});
            b = a.mul(2);
            c = Tensor.zeros(DType.INT64, 3);
            assertFalse(a.isClosed());
            assertFalse(b.isClosed());
        }
        assertTrue(a.isClosed());
        assertTrue(b.isClosed());
        assertTrue(c.isClosed());
    }

    @Test
    void keptTensorsOutliveTheScopeAndReturnThemselves() {
        Tensor kept;
        Tensor k1;
        Tensor k2;
        Tensor dropped;
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3});
            kept = s.keep(x.add(1));
            Tensor y = x.mul(3);
            Tensor z = x.neg();
            s.keep(y, z);
            k1 = y;
            k2 = z;
            dropped = x;
            assertSame(kept, s.keep(kept), "keeping twice is harmless");
            assertSame(null, s.keep((Tensor) null));
        }
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        assertArrayEquals(new float[] {2, 3, 4}, kept.toFloatArray());
        assertArrayEquals(new float[] {3, 6, 9}, k1.toFloatArray());
        assertArrayEquals(new float[] {-1, -2, -3}, k2.toFloatArray());
        kept.close();
        k1.close();
        k2.close();
        assertTrue(kept.isClosed());
    }

    @Test
    void scopesNestAndKeepInTheInnerScopeSurvivesTheOuterToo() {
        Tensor outerOnly;
        Tensor inner;
        Tensor kept;
        try (Scope outer = Scope.open()) {
            outerOnly = Tensor.of(new float[] {1});
            try (Scope in = Scope.open()) {
                inner = Tensor.of(new float[] {2});
                kept = in.keep(inner.add(1));
            }
            assertTrue(inner.isClosed());
            assertFalse(outerOnly.isClosed(), "the inner scope frees only its own tensors");
            assertFalse(kept.isClosed());
        }
        assertTrue(outerOnly.isClosed());
        assertFalse(kept.isClosed(), "a kept tensor is never freed by a scope again");
        assertArrayEquals(new float[] {3}, kept.toFloatArray());
        kept.close();
    }

    @Test
    void anInnerResultFreedByTheOuterScopeWhenNotKept() {
        Tensor fromInnerOp;
        try (Scope outer = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1});
            try (Scope in = Scope.open()) {
                fromInnerOp = x.add(1);
            }
            assertTrue(fromInnerOp.isClosed());
            assertFalse(x.isClosed());
        }
    }

    @Test
    void detachFromScopesKeepsWithoutAScopeInHand() {
        Tensor t;
        try (Scope outer = Scope.open()) {
            try (Scope in = Scope.open()) {
                t = Scope.detachFromScopes(Tensor.of(new float[] {4}));
            }
        }
        assertFalse(t.isClosed());
        assertSame(null, Scope.detachFromScopes(null));
        t.close();
        assertTrue(t.isClosed());
    }

    @Test
    void tensorsMadeOutsideAnyScopeAreNotFreedByALaterScope() {
        Tensor outside = Tensor.of(new float[] {5});
        try (Scope s = Scope.open()) {
            Tensor inside = outside.mul(2);
            assertArrayEquals(new float[] {10}, inside.toFloatArray());
        }
        assertFalse(outside.isClosed());
        outside.close();
        assertTrue(outside.isClosed());
    }

    @Test
    void toSameDtypeInsideAScopeIsTheKeptTensorItself() {
        Tensor kept;
        try (Scope s = Scope.open()) {
            kept = s.keep(Tensor.of(new float[] {1}));
            try (Scope in = Scope.open()) {
                assertSame(kept, kept.to(DType.FLOAT32));
            }
        }
        assertFalse(kept.isClosed(), "to(its own dtype) in a scope must not hand the tensor to that scope");
        kept.close();
    }

    @Test
    void scopesArePerThread() throws Exception {
        try (Scope s = Scope.open()) {
            Tensor[] other = new Tensor[1];
            Thread th = new Thread(() -> other[0] = Tensor.of(new float[] {1}));
            th.start();
            th.join();
            s.close();
            assertFalse(other[0].isClosed(), "a tensor made on another thread is not in this thread's scope");
            other[0].close();
        }
    }
}
