package io.finetune4j.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Tensor}, {@link DType} and {@link Device}: values, shapes and dtypes as torch gives them,
 * whatever engine is underneath. Every tensor a test makes lives in a {@link Scope} closed after the test.
 */
class TensorTest {
    private static final float EPS = 1e-5f;
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    static void assertValues(float[] expected, Tensor t) {
        assertArrayEquals(expected, t.toFloatArray(), EPS, t.toString());
    }

    static Tensor m23() {
        return Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    }

    // ---------------------------------------------------------------- creation

    @Test
    void ofMakesTheDtypeOfTheArrayAndTheShapeGiven() {
        Tensor f = Tensor.of(new float[] {1, 2, 3});
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new long[] {3}, f.shape());
        Tensor l = Tensor.of(new long[] {1, 2, 3, 4}, 2, 2);
        assertEquals(DType.INT64, l.dtype());
        assertArrayEquals(new long[] {2, 2}, l.shape());
        assertArrayEquals(new long[] {1, 2, 3, 4}, l.toLongArray());
        Tensor i = Tensor.of(new int[] {7, 8});
        assertEquals(DType.INT32, i.dtype());
        assertArrayEquals(new long[] {7, 8}, i.toLongArray());
        Tensor d = Tensor.of(new double[] {0.1, 0.2}, 2, 1);
        assertEquals(DType.FLOAT64, d.dtype());
        assertArrayEquals(new double[] {0.1, 0.2}, d.toDoubleArray(), 0);
        Tensor b = Tensor.of(new boolean[] {true, false, true});
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new boolean[] {true, false, true}, b.toBooleanArray());
    }

    @Test
    void fromBufferReadsNativeOrderBytesAndToByteBufferGivesThemBack() {
        ByteBuffer buf = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder());
        for (float v : new float[] {1.5f, -2f, 3f, 4.25f}) {
            buf.putFloat(v);
        }
        buf.rewind();
        Tensor t = Tensor.fromBuffer(buf, DType.FLOAT32, 2, 2);
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertValues(new float[] {1.5f, -2f, 3f, 4.25f}, t);
        ByteBuffer out = t.toByteBuffer().order(ByteOrder.nativeOrder());
        assertEquals(16, out.remaining());
        assertEquals(4.25f, out.getFloat(12));

        ByteBuffer longs = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        longs.putLong(5).putLong(-6).rewind();
        Tensor l = Tensor.fromBuffer(longs, DType.INT64, 2);
        assertEquals(DType.INT64, l.dtype());
        assertArrayEquals(new long[] {5, -6}, l.toLongArray());
    }

    @Test
    void scalarZerosOnesFullArange() {
        Tensor s = Tensor.scalar(2.5, DType.FLOAT32);
        assertEquals(0, s.dim());
        assertEquals(1, s.numel());
        assertEquals(2.5, s.item(), 0);
        Tensor z = Tensor.zeros(DType.INT64, 2, 3);
        assertEquals(DType.INT64, z.dtype());
        assertArrayEquals(new long[6], z.toLongArray());
        Tensor o = Tensor.ones(DType.FLOAT32, 3);
        assertValues(new float[] {1, 1, 1}, o);
        Tensor f = Tensor.full(-3, DType.FLOAT64, 2);
        assertEquals(DType.FLOAT64, f.dtype());
        assertArrayEquals(new double[] {-3, -3}, f.toDoubleArray(), 0);
        Tensor a = Tensor.arange(4);
        assertEquals(DType.INT64, a.dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3}, a.toLongArray());
        assertArrayEquals(new long[] {2, 3, 4}, Tensor.arange(2, 5).toLongArray());
    }

    @Test
    void catStackWhere() {
        Tensor a = Tensor.of(new float[] {1, 2}, 1, 2);
        Tensor b = Tensor.of(new float[] {3, 4}, 1, 2);
        Tensor c0 = Tensor.cat(List.of(a, b), 0);
        assertArrayEquals(new long[] {2, 2}, c0.shape());
        assertValues(new float[] {1, 2, 3, 4}, c0);
        Tensor c1 = Tensor.cat(List.of(a, b), 1);
        assertArrayEquals(new long[] {1, 4}, c1.shape());
        Tensor one = Tensor.cat(List.of(a), 0);
        assertNotSame(a, one);
        assertValues(new float[] {1, 2}, one);
        Tensor s = Tensor.stack(List.of(a, b), 0);
        assertArrayEquals(new long[] {2, 1, 2}, s.shape());
        assertValues(new float[] {1, 2, 3, 4}, s);
        Tensor w = Tensor.where(Tensor.of(new boolean[] {true, false}), Tensor.of(new float[] {1, 2}), Tensor.of(new float[] {9, 8}));
        assertValues(new float[] {1, 8}, w);
    }

    // ---------------------------------------------------------------- what it is

    @Test
    void shapeSizeDimNumelDtypeDevice() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3, 4);
        assertArrayEquals(new long[] {2, 3, 4}, t.shape());
        assertEquals(4, t.size(-1));
        assertEquals(3, t.size(-2));
        assertEquals(3, t.dim());
        assertEquals(24, t.numel());
        assertEquals(DType.FLOAT32, t.dtype());
        assertEquals(Device.cpu(), t.device());
        assertTrue(t.toString().contains("float32"), t.toString());
        assertTrue(t.toString().contains("cpu"), t.toString());
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void arithmeticWithTensorsAndScalars() {
        Tensor a = Tensor.of(new float[] {1, 2, 4});
        Tensor b = Tensor.of(new float[] {2, 2, 2});
        assertValues(new float[] {3, 4, 6}, a.add(b));
        assertValues(new float[] {1.5f, 2.5f, 4.5f}, a.add(0.5));
        assertValues(new float[] {-1, 0, 2}, a.sub(b));
        assertValues(new float[] {0, 1, 3}, a.sub(1));
        assertValues(new float[] {9, 8, 6}, a.rsub(10));
        assertValues(new float[] {2, 4, 8}, a.mul(b));
        assertValues(new float[] {0.5f, 1, 2}, a.mul(0.5));
        assertValues(new float[] {0.5f, 1, 2}, a.div(b));
        assertValues(new float[] {0.25f, 0.5f, 1}, a.div(4));
        assertValues(new float[] {-1, -2, -4}, a.neg());
        assertValues(new float[] {1, 4, 16}, a.pow(2));
        assertValues(new float[] {1, 4, 16}, a.pow(b));
        assertValues(new float[] {1, (float) Math.sqrt(2), 2}, a.sqrt());
        assertValues(new float[] {1, (float) (1 / Math.sqrt(2)), 0.5f}, a.rsqrt());
        assertValues(new float[] {1, 4, 16}, a.square());
        // broadcasting
        Tensor m = m23();
        Tensor row = Tensor.of(new float[] {10, 20, 30});
        assertValues(new float[] {11, 22, 33, 14, 25, 36}, m.add(row));
        // the inputs are unchanged
        assertValues(new float[] {1, 2, 4}, a);
        // scalar ops keep the dtype
        assertEquals(DType.FLOAT64, Tensor.of(new double[] {1}).mul(2).dtype());
        assertEquals(DType.INT64, Tensor.of(new long[] {3}).add(1).dtype());
        assertArrayEquals(new long[] {4}, Tensor.of(new long[] {3}).add(1).toLongArray());
    }

    @Test
    void unaryFunctions() {
        float[] x = {-1.5f, -0.5f, 0f, 0.5f, 2.5f};
        Tensor t = Tensor.of(x);
        float[] exp = new float[x.length], tanh = new float[x.length], sin = new float[x.length], cos = new float[x.length],
                abs = new float[x.length], sign = new float[x.length], floor = new float[x.length], ceil = new float[x.length],
                sig = new float[x.length], relu = new float[x.length], erf = {-0.96610515f, -0.52049988f, 0f, 0.52049988f, 0.99959305f};
        for (int i = 0; i < x.length; i++) {
            exp[i] = (float) Math.exp(x[i]);
            tanh[i] = (float) Math.tanh(x[i]);
            sin[i] = (float) Math.sin(x[i]);
            cos[i] = (float) Math.cos(x[i]);
            abs[i] = Math.abs(x[i]);
            sign[i] = Math.signum(x[i]);
            floor[i] = (float) Math.floor(x[i]);
            ceil[i] = (float) Math.ceil(x[i]);
            sig[i] = (float) (1 / (1 + Math.exp(-x[i])));
            relu[i] = Math.max(0, x[i]);
        }
        assertValues(exp, t.exp());
        assertValues(new float[] {0, (float) Math.log(2)}, Tensor.of(new float[] {1, 2}).log());
        assertValues(tanh, t.tanh());
        assertValues(sin, t.sin());
        assertValues(cos, t.cos());
        assertValues(abs, t.abs());
        assertValues(sign, t.sign());
        assertValues(floor, t.floor());
        assertValues(ceil, t.ceil());
        assertValues(erf, t.erf());
        assertValues(sig, t.sigmoid());
        assertValues(relu, t.relu());
        // round half to even, as torch.round
        assertValues(new float[] {-2, -0f, 0, 0, 2}, t.round());
    }

    @Test
    void maximumMinimumClamp() {
        Tensor a = Tensor.of(new float[] {1, 5, -3});
        Tensor b = Tensor.of(new float[] {2, 4, -4});
        assertValues(new float[] {2, 5, -3}, a.maximum(b));
        assertValues(new float[] {1, 4, -4}, a.minimum(b));
        assertValues(new float[] {1, 5, 0}, a.maximum(0));
        assertValues(new float[] {1, 1, -3}, a.minimum(1));
        assertValues(new float[] {1, 2, -1}, a.clamp(-1, 2));
    }

    // ---------------------------------------------------------------- comparisons

    @Test
    void comparisonsGiveBool() {
        Tensor a = Tensor.of(new float[] {1, 2, 3});
        Tensor b = Tensor.of(new float[] {3, 2, 1});
        assertEquals(DType.BOOL, a.eq(b).dtype());
        assertArrayEquals(new boolean[] {false, true, false}, a.eq(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, false}, a.eq(2).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true}, a.ne(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, true}, a.ne(2).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false}, a.lt(b).toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false}, a.lt(2).toBooleanArray());
        assertArrayEquals(new boolean[] {true, true, false}, a.le(2).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true}, a.gt(b).toBooleanArray());
        assertArrayEquals(new boolean[] {false, false, true}, a.gt(2).toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, true}, a.ge(2).toBooleanArray());
        Tensor p = Tensor.of(new boolean[] {true, false, true});
        Tensor q = Tensor.of(new boolean[] {true, true, false});
        assertArrayEquals(new boolean[] {false, true, false}, p.logicalNot().toBooleanArray());
        assertArrayEquals(new boolean[] {true, false, false}, p.logicalAnd(q).toBooleanArray());
        Tensor odd = Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1, Float.NEGATIVE_INFINITY});
        assertArrayEquals(new boolean[] {true, false, false, false}, odd.isnan().toBooleanArray());
        assertArrayEquals(new boolean[] {false, true, false, true}, odd.isinf().toBooleanArray());
        // a bool tensor reads as 0/1 floats
        assertValues(new float[] {1, 0, 1}, p);
    }

    @Test
    void shapeIsACopy() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3);
        long[] copy = t.shape();
        copy[0] = 99;
        assertEquals(2, t.size(0), "shape() is a copy");
        Tensor x = m23();
        x.indexSelect(0, Tensor.of(new long[] {1, 1, 0}));
        assertArrayEquals(new long[] {2, 3}, x.shape(), "indexSelect leaves the input's shape alone");
    }

    @Test
    void maskedFillBroadcastsTheMask() {
        Tensor y = m23().maskedFill(Tensor.of(new boolean[] {true, false, false}), -100);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertValues(new float[] {-100, 2, 3, -100, 5, 6}, y);
    }

    @Test
    void maskedFill() {
        Tensor x = m23();
        Tensor mask = Tensor.of(new boolean[] {true, false, false, true, false, false}, 2, 3);
        Tensor y = x.maskedFill(mask, -100);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertValues(new float[] {-100, 2, 3, -100, 5, 6}, y);
        assertValues(new float[] {1, 2, 3, 4, 5, 6}, x);
    }

    // ---------------------------------------------------------------- linear algebra, reductions

    @Test
    void matmulBatchedAndBroadcast() {
        Tensor a = m23();
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor c = a.matmul(b);
        assertArrayEquals(new long[] {2, 2}, c.shape());
        assertValues(new float[] {4, 5, 10, 11}, c);
        Tensor batch = Tensor.stack(List.of(a, a.mul(2)), 0); // 2x2x3
        Tensor bc = batch.matmul(b);
        assertArrayEquals(new long[] {2, 2, 2}, bc.shape());
        assertValues(new float[] {4, 5, 10, 11, 8, 10, 20, 22}, bc);
        Tensor v = a.matmul(Tensor.of(new float[] {1, 1, 1}));
        assertArrayEquals(new long[] {2}, v.shape());
        assertValues(new float[] {6, 15}, v);
    }

    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        float[] expected = {(float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z), 1 / 3f, 1 / 3f, 1 / 3f};
        assertValues(expected, x.softmax(-1));
        assertValues(expected, x.softmax(1));
        float[] logs = new float[6];
        for (int i = 0; i < 6; i++) {
            logs[i] = (float) Math.log(expected[i]);
        }
        assertValues(logs, x.logSoftmax(-1));
        assertValues(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, Tensor.ones(DType.FLOAT32, 2, 3).softmax(0));
    }

    @Test
    void reductions() {
        Tensor x = m23();
        Tensor s = x.sum();
        assertEquals(0, s.dim());
        assertEquals(21, s.item(), 0);
        assertValues(new float[] {5, 7, 9}, x.sum(0, false));
        assertArrayEquals(new long[] {2, 1}, x.sum(1, true).shape());
        assertValues(new float[] {6, 15}, x.sum(1, true));
        assertEquals(3.5, x.mean().item(), 1e-6);
        assertValues(new float[] {2, 5}, x.mean(-1, false));
        assertArrayEquals(new long[] {1, 3}, x.mean(0, true).shape());
        assertEquals(6, x.max().item(), 0);
        assertEquals(1, x.min().item(), 0);
        assertValues(new float[] {3, 6}, x.amax(1, false));
        assertArrayEquals(new long[] {2, 1}, x.amax(1, true).shape());
        assertValues(new float[] {1, 2, 3}, x.amin(0, false));
        Tensor am = Tensor.of(new float[] {0, 9, 1, 7, 2, 3}, 2, 3).argmax(1);
        assertEquals(DType.INT64, am.dtype());
        assertArrayEquals(new long[] {1, 0}, am.toLongArray());
        assertValues(new float[] {1, 3, 6, 4, 9, 15}, x.cumsum(1));
        assertValues(new float[] {1, 2, 3, 5, 7, 9}, x.cumsum(0));
        assertEquals(5, Tensor.of(new float[] {3, 4}).norm().item(), 1e-6);
    }

    @Test
    void topkIndicesAndOneHot() {
        Tensor x = Tensor.of(new float[] {0.1f, 0.7f, 0.2f, 0.9f, 0.3f, 0.8f}, 2, 3);
        Tensor top = x.topkIndices(2, 1);
        assertEquals(DType.INT64, top.dtype());
        assertArrayEquals(new long[] {2, 2}, top.shape());
        assertArrayEquals(new long[] {1, 2, 0, 2}, top.toLongArray());
        Tensor oh = Tensor.of(new long[] {2, 0}).oneHot(3);
        assertArrayEquals(new long[] {2, 3}, oh.shape());
        assertEquals(DType.FLOAT32, oh.dtype());
        assertValues(new float[] {0, 0, 1, 1, 0, 0}, oh);
    }

    // ---------------------------------------------------------------- shape

    @Test
    void reshapePermuteTransposeUnsqueezeSqueeze() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new long[] {2, 3, 4}, x.shape());
        assertArrayEquals(new long[] {6, 4}, x.reshape(-1, 4).shape());
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new long[] {4, 2, 3}, p.shape());
        assertEquals(1 * 12 + 2 * 4 + 3, p.select(0, 3).select(0, 1).select(0, 2).item(), 0); // x[1,2,3]
        Tensor t = m23().transpose(0, 1);
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertValues(new float[] {1, 4, 2, 5, 3, 6}, t);
        assertArrayEquals(new long[] {2, 4, 3}, x.transpose(-1, -2).shape());
        Tensor u = m23().unsqueeze(1);
        assertArrayEquals(new long[] {2, 1, 3}, u.shape());
        assertArrayEquals(new long[] {2, 3, 1}, m23().unsqueeze(-1).shape());
        assertArrayEquals(new long[] {2, 3}, u.squeeze(1).shape());
        // a transposed tensor reads in its logical order after further ops
        assertValues(new float[] {1, 4, 2, 5, 3, 6}, t.reshape(6));
    }

    @Test
    void expandRepeatFlip() {
        Tensor r = Tensor.of(new float[] {1, 2}, 1, 2);
        Tensor e = r.expand(3, 2);
        assertArrayEquals(new long[] {3, 2}, e.shape());
        assertValues(new float[] {1, 2, 1, 2, 1, 2}, e);
        Tensor rep = r.repeat(2, 2);
        assertArrayEquals(new long[] {2, 4}, rep.shape());
        assertValues(new float[] {1, 2, 1, 2, 1, 2, 1, 2}, rep);
        assertValues(new float[] {3, 2, 1, 6, 5, 4}, m23().flip(1));
        assertValues(new float[] {6, 5, 4, 3, 2, 1}, m23().flip(0, 1));
    }

    @Test
    void narrowSelectSplitChunk() {
        Tensor x = m23();
        Tensor n = x.narrow(1, 1, 2);
        assertArrayEquals(new long[] {2, 2}, n.shape());
        assertValues(new float[] {2, 3, 5, 6}, n);
        assertValues(new float[] {4, 5, 6}, x.narrow(0, 1, 1));
        assertValues(new float[] {3, 6}, x.narrow(-1, 2, 1));
        Tensor s = x.select(1, 0);
        assertArrayEquals(new long[] {2}, s.shape());
        assertValues(new float[] {1, 4}, s);
        assertValues(new float[] {4, 5, 6}, x.select(0, -1));
        assertValues(new float[] {3, 6}, x.select(-1, 2));
        List<Tensor> parts = Tensor.arange(5).split(2, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new long[] {0, 1}, parts.get(0).toLongArray());
        assertArrayEquals(new long[] {4}, parts.get(2).toLongArray());
        List<Tensor> chunks = x.chunk(3, 1);
        assertEquals(3, chunks.size());
        assertValues(new float[] {2, 5}, chunks.get(1));
        assertArrayEquals(new long[] {2, 1}, chunks.get(1).shape());
    }

    @Test
    void gatherIndexSelectEmbedding() {
        Tensor x = m23();
        Tensor g = x.gather(1, Tensor.of(new long[] {2, 0, 1, 1}, 2, 2));
        assertArrayEquals(new long[] {2, 2}, g.shape());
        assertValues(new float[] {3, 1, 5, 5}, g);
        Tensor rows = x.indexSelect(0, Tensor.of(new long[] {1, 1, 0}));
        assertArrayEquals(new long[] {3, 3}, rows.shape());
        assertValues(new float[] {4, 5, 6, 4, 5, 6, 1, 2, 3}, rows);
        Tensor cols = m23().indexSelect(1, Tensor.of(new long[] {2, 0}));
        assertArrayEquals(new long[] {2, 2}, cols.shape());
        assertValues(new float[] {3, 1, 6, 4}, cols);
    }

    @Test
    void embedding() {
        Tensor weight = Tensor.of(new float[] {0, 0, 1, 1, 2, 2, 3, 3}, 4, 2);
        Tensor emb = Tensor.embedding(weight, Tensor.of(new long[] {3, 1, 0, 3}, 2, 2));
        assertArrayEquals(new long[] {2, 2, 2}, emb.shape());
        assertValues(new float[] {3, 3, 1, 1, 0, 0, 3, 3}, emb);
    }

    // ---------------------------------------------------------------- nn functions

    @Test
    void linearWithAndWithoutBias() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        Tensor w = Tensor.of(new float[] {1, 0, 0, 0, 1, 1}, 2, 3); // out x in
        Tensor b = Tensor.of(new float[] {10, 20});
        Tensor y = Tensor.linear(x, w, b);
        assertArrayEquals(new long[] {1, 2, 2}, y.shape());
        assertValues(new float[] {11, 25, 14, 31}, y);
        assertValues(new float[] {1, 5, 4, 11}, Tensor.linear(x, w, null));
    }

    @Test
    void layerNormOverTheLastDim() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 2, 2, 2, 2}, 2, 4);
        Tensor w = Tensor.of(new float[] {1, 1, 2, 2});
        Tensor b = Tensor.of(new float[] {0, 0, 0, 1});
        Tensor y = Tensor.layerNorm(x, w, b, 1e-5);
        double mean = 2.5;
        double var = 1.25;
        float[] expected = new float[8];
        for (int i = 0; i < 4; i++) {
            expected[i] = (float) ((i + 1 - mean) / Math.sqrt(var + 1e-5) * (i < 2 ? 1 : 2) + (i == 3 ? 1 : 0));
        }
        expected[7] = 1; // a constant row: (x - mean) = 0, plus bias
        assertArrayEquals(new long[] {2, 4}, y.shape());
        assertValues(expected, y);
    }

    @Test
    void dropoutInEvalReturnsTheInputAndInTrainingScalesTheKeptValues() {
        Tensor x = Tensor.ones(DType.FLOAT32, 1000);
        assertSame(x, Tensor.dropout(x, 0.5, false));
        assertSame(x, Tensor.dropout(x, 0, true));
        Torch.manualSeed(7);
        float[] a = Tensor.dropout(x, 0.5, true).toFloatArray();
        int zeros = 0;
        for (float v : a) {
            assertTrue(v == 0 || Math.abs(v - 2) < EPS, "kept values are scaled by 1/(1-p): " + v);
            zeros += v == 0 ? 1 : 0;
        }
        assertTrue(zeros > 400 && zeros < 600, zeros + " of 1000 dropped");
        Torch.manualSeed(7);
        assertArrayEquals(a, Tensor.dropout(x, 0.5, true).toFloatArray(), "the same seed gives the same mask");
    }

    // ---------------------------------------------------------------- dtype, device, copies

    @Test
    void toDtypeConvertsOrReturnsThisWhenEqual() {
        Tensor x = Tensor.of(new float[] {1.7f, -2.2f});
        assertSame(x, x.to(DType.FLOAT32));
        Tensor l = x.to(DType.INT64);
        assertEquals(DType.INT64, l.dtype());
        assertArrayEquals(new long[] {1, -2}, l.toLongArray(), "float to int truncates toward zero");
        Tensor d = x.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, d.dtype());
        assertEquals(1.7, d.toDoubleArray()[0], 1e-6);
        Tensor b = Tensor.of(new float[] {0, 3}).to(DType.BOOL);
        assertArrayEquals(new boolean[] {false, true}, b.toBooleanArray());
        assertEquals(DType.INT32, l.to(DType.INT32).dtype());
        assertValues(new float[] {1.7f, -2.2f}, x);
    }

    @Test
    void toDeviceReturnsThisWhenAlreadyThere() {
        Tensor x = Tensor.of(new float[] {1});
        assertSame(x, x.to(Device.cpu()));
    }

    @Test
    void cloneCopiesAndDetachSharesData() {
        Tensor x = Tensor.of(new float[] {1, 2});
        Tensor c = x.clone();
        assertNotSame(x, c);
        c.add_(1);
        assertValues(new float[] {1, 2}, x);
        assertValues(new float[] {2, 3}, c);
        Tensor d = x.detach();
        assertValues(new float[] {1, 2}, d);
        assertFalse(d.requiresGrad());
    }

    // ---------------------------------------------------------------- in place

    @Test
    void inPlaceOpsChangeThisTensorAndReturnIt() {
        Tensor x = Tensor.of(new float[] {1, 2, 3});
        Tensor other = Tensor.of(new float[] {1, 1, 2});
        assertSame(x, x.add_(other));
        assertValues(new float[] {2, 3, 5}, x);
        assertSame(x, x.add_(1));
        assertValues(new float[] {3, 4, 6}, x);
        assertSame(x, x.sub_(other));
        assertValues(new float[] {2, 3, 4}, x);
        assertSame(x, x.mul_(other));
        assertValues(new float[] {2, 3, 8}, x);
        assertSame(x, x.mul_(0.5));
        assertValues(new float[] {1, 1.5f, 4}, x);
        assertSame(x, x.div_(other));
        assertValues(new float[] {1, 1.5f, 2}, x);
        assertSame(x, x.div_(2));
        assertValues(new float[] {0.5f, 0.75f, 1}, x);
        assertSame(x, x.copy_(Tensor.of(new float[] {7, 8, 9})));
        assertValues(new float[] {7, 8, 9}, x);
        assertSame(x, x.copy_(Tensor.of(new double[] {-1, -2, -3})));
        assertEquals(DType.FLOAT32, x.dtype(), "copy_ keeps the destination's dtype");
        assertValues(new float[] {-1, -2, -3}, x);
        assertSame(x, x.zero_());
        assertValues(new float[] {0, 0, 0}, x);
        assertValues(new float[] {1, 1, 2}, other);
    }

    @Test
    void inPlaceBroadcastsTheOtherOperand() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 2);
        x.add_(Tensor.of(new float[] {1, 2}));
        assertValues(new float[] {1, 2, 1, 2}, x);
        assertArrayEquals(new long[] {2, 2}, x.shape());
    }

    // ---------------------------------------------------------------- data out, close

    @Test
    void dataOutConvertsFromAnyDtype() {
        Tensor l = Tensor.of(new long[] {1, 2});
        assertArrayEquals(new float[] {1, 2}, l.toFloatArray());
        assertArrayEquals(new double[] {1, 2}, l.toDoubleArray());
        Tensor f = Tensor.of(new float[] {3.9f});
        assertArrayEquals(new long[] {3}, f.toLongArray());
        assertEquals(3.9, f.item(), 1e-6);
        assertEquals(5, Tensor.of(new long[] {5}).item(), 0);
        assertEquals(1, Tensor.of(new boolean[] {true}).item(), 0);
    }

    @Test
    void closeFreesAtOnceAndIsIdempotent() {
        Tensor x = Tensor.of(new float[] {1});
        assertFalse(x.isClosed());
        x.close();
        assertTrue(x.isClosed());
        x.close();
        assertTrue(x.isClosed());
    }

    // ---------------------------------------------------------------- DType, Device

    @Test
    void dtypeNamesSizesAndKinds() {
        assertEquals(9, DType.values().length);
        for (DType t : DType.values()) {
            assertSame(t, DType.fromTorchName(t.torchName()));
            assertEquals(t.torchName(), t.toString());
        }
        assertEquals("bfloat16", DType.BFLOAT16.torchName());
        assertEquals(2, DType.BFLOAT16.itemSize());
        assertEquals(4, DType.FLOAT32.itemSize());
        assertEquals(8, DType.INT64.itemSize());
        assertEquals(1, DType.BOOL.itemSize());
        assertTrue(DType.FLOAT16.isFloatingPoint());
        assertFalse(DType.INT32.isFloatingPoint());
        assertFalse(DType.BOOL.isFloatingPoint());
        assertThrows(IllegalArgumentException.class, () -> DType.fromTorchName("float8"));
    }

    @Test
    void devicesParseAndPrintAsTorch() {
        assertEquals(Device.cpu(), Device.parse("cpu"));
        assertEquals(Device.cpu(), Device.parse(" CPU "));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(1), Device.parse("cuda:1"));
        assertEquals(Device.cuda(2), Device.parse("gpu:2"));
        assertEquals(Device.cuda(0), Device.parse("gpu"));
        assertEquals("cpu", Device.cpu().toString());
        assertEquals("cuda:3", Device.cuda(3).toString());
        assertFalse(Device.cpu().isCuda());
        assertTrue(Device.cuda(0).isCuda());
        assertEquals(-1, Device.cpu().index());
        assertEquals(-1, new Device(Device.Type.CPU, 5).index());
        assertEquals(Device.Type.CUDA, Device.cuda(1).type());
        for (String bad : new String[] {"tpu", "cuda:-1", "cuda:x", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Device.parse(bad), bad);
        }
    }
}
