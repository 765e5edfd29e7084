package io.finetune4j.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named-free tensor on the heap or in a mapped file: element type, shape and little-endian bytes.
 * This is the currency between checkpoint formats (safetensors, TF bundles) and the model, which
 * copies it into NDArrays. A tensor of more than {@link #MAX_BYTES} bytes cannot be one Java buffer:
 * a checkpoint may still hold one (a model loads with it reported as unused), but its values cannot
 * be read ({@link #readable()} is false and {@link #data()} says so in one line).
 */
public record Tensor(DType dtype, long[] shape, ByteBuffer data) {
    /** The most bytes one tensor's values may have here (one Java buffer; DJL copies a tensor through one). */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /** safetensors dtype names and element sizes. */
    public enum DType {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        public final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    public Tensor {
        long expected = Math.multiplyExact(numel(shape), (long) dtype.bytes);
        if (data == null) {
            if (expected <= MAX_BYTES) {
                throw new IllegalArgumentException("only a tensor over " + MAX_BYTES + " bytes may come without its values");
            }
        } else {
            data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (data.remaining() != expected) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " and dtype " + dtype
                        + " needs " + expected + " bytes, got " + data.remaining());
            }
        }
    }

    /** A tensor over {@link #MAX_BYTES} of a checkpoint: its name, dtype and shape are known, its values cannot be read. */
    public static Tensor unreadable(DType dtype, long[] shape) {
        return new Tensor(dtype, shape, null);
    }

    /** False for a tensor over {@link #MAX_BYTES} bytes, whose values cannot be read here. */
    public boolean readable() {
        return data != null;
    }

    /** The little-endian bytes of the values. */
    @Override
    public ByteBuffer data() {
        if (data == null) {
            throw new io.finetune4j.BadInputException("a " + dtype + " tensor of shape " + Arrays.toString(shape) + " is "
                    + numel(shape) * dtype.bytes + " bytes; one tensor over 2 GiB cannot be read here (split it, or leave it out of the checkpoint)");
        }
        return data;
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long numel() {
        return numel(shape);
    }

    public static Tensor ofFloats(long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(DType.F32, shape, b);
    }

    public static Tensor ofLongs(long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new Tensor(DType.I64, shape, b);
    }

    /** The values as float32, converting F16/BF16/F64 (what the model wants). */
    public float[] toFloats() {
        ByteBuffer b = data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(b.position() + 8 * i);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloatCompat(b.getShort(b.position() + 2 * i));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(b.position() + 2 * i) & 0xffff) << 16);
            }
            default -> throw new IllegalStateException("tensor of dtype " + dtype + " is not floating point");
        }
        return out;
    }

    /** Minimal float16 → float32 (Java 17 has no Float.float16ToFloat). */
    static final class Float {
        private Float() {}

        static float intBitsToFloat(int bits) {
            return java.lang.Float.intBitsToFloat(bits);
        }

        static float float16ToFloatCompat(short h) {
            int bits = h & 0xffff;
            int sign = (bits >>> 15) << 31;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0) {
                if (mant == 0) {
                    return java.lang.Float.intBitsToFloat(sign);
                }
                // subnormal: value = mant × 2^-24
                float v = mant * 0x1p-24f;
                return sign == 0 ? v : -v;
            }
            if (exp == 0x1f) {
                return java.lang.Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            }
            return java.lang.Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
        }
    }
}
