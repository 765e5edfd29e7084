package io.finetune4j.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A libtorch tensor with torch's names ({@code matmul}, {@code softmax(dim)}, {@code unsqueeze}, {@code add_}), so
 * that model code reads like HF's {@code forward} methods. Native memory: a tensor made inside a {@link Scope}
 * is freed when the scope closes unless {@link Scope#keep kept}; {@link #close()} frees it at once; one made
 * outside any scope (or kept) is freed by {@link #close()} or, failing that, when the GC collects it.
 *
 * <p>Backend: libtorch 2.10 through JavaCPP's presets ({@code org.bytedeco:pytorch}). Each op's result is a new
 * native {@code at::Tensor} handle that JavaCPP attaches to the thread's innermost {@code PointerScope}.
 */
public final class Tensor implements AutoCloseable {
    static {
        Torch.load(); // before any org.bytedeco.pytorch class loads: the extraction lock
    }

    private final org.bytedeco.pytorch.Tensor t;

    private Tensor(org.bytedeco.pytorch.Tensor t) {
        this.t = t;
    }

    private static Tensor t(org.bytedeco.pytorch.Tensor n) {
        return new Tensor(n);
    }

    /** The native handle (package-private: only this package talks to JavaCPP). */
    org.bytedeco.pytorch.Tensor handle() {
        return t;
    }

    static Tensor ofHandle(org.bytedeco.pytorch.Tensor n) {
        return n == null ? null : new Tensor(n);
    }

    static ScalarType scalarType(DType d) {
        return switch (d) {
            case FLOAT32 -> ScalarType.Float;
            case FLOAT16 -> ScalarType.Half;
            case BFLOAT16 -> ScalarType.BFloat16;
            case FLOAT64 -> ScalarType.Double;
            case INT64 -> ScalarType.Long;
            case INT32 -> ScalarType.Int;
            case INT8 -> ScalarType.Char;
            case UINT8 -> ScalarType.Byte;
            case BOOL -> ScalarType.Bool;
        };
    }

    /** Our dtype of a libtorch scalar type (JavaCPP returns enums as new instances: {@code intern()} first). */
    static DType dtypeOf(ScalarType s) {
        return switch (s.intern()) {
            case Float -> DType.FLOAT32;
            case Half -> DType.FLOAT16;
            case BFloat16 -> DType.BFLOAT16;
            case Double -> DType.FLOAT64;
            case Long -> DType.INT64;
            case Int -> DType.INT32;
            case Char -> DType.INT8;
            case Byte -> DType.UINT8;
            case Bool -> DType.BOOL;
            default -> throw new IllegalStateException("unsupported dtype " + s);
        };
    }

    static torch.DeviceType deviceType(Device.Type type) {
        return type == Device.Type.CUDA ? torch.DeviceType.CUDA : torch.DeviceType.CPU;
    }

    static org.bytedeco.pytorch.Device nativeDevice(Device d) {
        return d.isCuda() ? new org.bytedeco.pytorch.Device(torch.DeviceType.CUDA, (byte) d.index())
                : new org.bytedeco.pytorch.Device(torch.DeviceType.CPU);
    }

    private static TensorOptions options(DType dtype) {
        return new TensorOptions(scalarType(dtype));
    }

    /** A Scalar of this tensor's kind: integral values stay integral on integer tensors (as DJL's facade did). */
    private Scalar scalar(double value) {
        ScalarType st = t.scalar_type().intern();
        boolean integral = st == ScalarType.Long || st == ScalarType.Int || st == ScalarType.Char || st == ScalarType.Byte
                || st == ScalarType.Short;
        return integral && value == Math.rint(value) ? new Scalar((long) value) : new Scalar(value);
    }

    /** Drops the extra Java handle that an in-place op returns (the result is this tensor). */
    private Tensor inPlace(org.bytedeco.pytorch.Tensor r) {
        if (r != null && r != t) {
            r.deallocate();
        }
        return this;
    }

    private static void inPlaceOf(org.bytedeco.pytorch.Tensor owner, org.bytedeco.pytorch.Tensor r) {
        if (r != null && r != owner) {
            r.deallocate();
        }
    }

    private static long[] longs(int... dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    // ---------------------------------------------------------------- creation (in the current scope)

    private static long[] shapeOf(int n, long[] shape) {
        return shape.length == 0 ? new long[] {n} : shape;
    }

    private static org.bytedeco.pytorch.Tensor empty(DType dtype, long[] shape) {
        return torch.empty(shape, options(dtype), new MemoryFormatOptional());
    }

    /** {@code torch.tensor(data).view(shape)}, float32; no shape: 1-D. */
    public static Tensor of(float[] data, long... shape) {
        org.bytedeco.pytorch.Tensor n = empty(DType.FLOAT32, shapeOf(data.length, shape));
        check(n, data.length);
        if (data.length > 0) {
            new FloatPointer(n.data_ptr()).put(data);
        }
        return t(n);
    }

    /** int64. */
    public static Tensor of(long[] data, long... shape) {
        org.bytedeco.pytorch.Tensor n = empty(DType.INT64, shapeOf(data.length, shape));
        check(n, data.length);
        if (data.length > 0) {
            new LongPointer(n.data_ptr()).put(data);
        }
        return t(n);
    }

    /** int32. */
    public static Tensor of(int[] data, long... shape) {
        org.bytedeco.pytorch.Tensor n = empty(DType.INT32, shapeOf(data.length, shape));
        check(n, data.length);
        if (data.length > 0) {
            new IntPointer(n.data_ptr()).put(data);
        }
        return t(n);
    }

    /** float64. */
    public static Tensor of(double[] data, long... shape) {
        org.bytedeco.pytorch.Tensor n = empty(DType.FLOAT64, shapeOf(data.length, shape));
        check(n, data.length);
        if (data.length > 0) {
            new DoublePointer(n.data_ptr()).put(data);
        }
        return t(n);
    }

    /** bool. */
    public static Tensor of(boolean[] data, long... shape) {
        org.bytedeco.pytorch.Tensor n = empty(DType.BOOL, shapeOf(data.length, shape));
        check(n, data.length);
        if (data.length > 0) {
            byte[] b = new byte[data.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (data[i] ? 1 : 0);
            }
            new BytePointer(n.data_ptr()).put(b);
        }
        return t(n);
    }

    private static void check(org.bytedeco.pytorch.Tensor n, long expected) {
        if (n.numel() != expected) {
            long[] s = n.shape();
            n.deallocate();
            throw new IllegalArgumentException(expected + " values do not fill shape " + Arrays.toString(s));
        }
    }

    /** A tensor over native-order bytes of {@code dtype} (copied into libtorch's memory). */
    public static Tensor fromBuffer(ByteBuffer data, DType dtype, long... shape) {
        return t(nativeOf(data, dtype, shape));
    }

    static org.bytedeco.pytorch.Tensor nativeOf(ByteBuffer data, DType dtype, long... shape) {
        org.bytedeco.pytorch.Tensor n = empty(dtype, shape);
        long bytes = n.numel() * dtype.itemSize();
        if (data.remaining() != bytes) {
            n.deallocate();
            throw new IllegalArgumentException(data.remaining() + " bytes for " + bytes + " of " + dtype + Arrays.toString(shape));
        }
        if (bytes > 0) {
            BytePointer dst = new BytePointer(n.data_ptr()).capacity(bytes);
            if (data.isDirect()) {
                Pointer.memcpy(dst, new BytePointer(data.slice()), bytes);
            } else {
                dst.asByteBuffer().put(data.duplicate());
            }
        }
        return n;
    }

    /** A 0-dim tensor ({@code torch.tensor(value, dtype=dtype)}). */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    public static Tensor zeros(DType dtype, long... shape) {
        return t(torch.zeros(shape, options(dtype)));
    }

    public static Tensor ones(DType dtype, long... shape) {
        return t(torch.ones(shape, options(dtype)));
    }

    public static Tensor full(double value, DType dtype, long... shape) {
        Scalar s = dtype.isFloatingPoint() || value != Math.rint(value) ? new Scalar(value) : new Scalar((long) value);
        return t(torch.full(shape, s, options(dtype)));
    }

    /** {@code torch.arange(end)}, int64. */
    public static Tensor arange(long end) {
        return arange(0, end);
    }

    /** {@code torch.arange(start, end)}, int64. */
    public static Tensor arange(long start, long end) {
        return t(torch.arange(new Scalar(start), new Scalar(end), options(DType.INT64)));
    }

    /** {@code torch.cat(tensors, dim)}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return t(torch.cat(vector(tensors), dim));
    }

    /** {@code torch.stack(tensors, dim)}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return t(torch.stack(vector(tensors), dim));
    }

    /** {@code torch.where(condition, a, b)}. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return t(torch.where(condition.t, a.t, b.t));
    }

    private static TensorVector vector(List<Tensor> tensors) {
        org.bytedeco.pytorch.Tensor[] a = new org.bytedeco.pytorch.Tensor[tensors.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = tensors.get(i).t;
        }
        return new TensorVector(a);
    }

    // ---------------------------------------------------------------- what it is

    /** {@code tensor.shape} (a copy). */
    public long[] shape() {
        int d = (int) t.dim();
        long[] s = new long[d];
        for (int i = 0; i < d; i++) {
            s[i] = t.size(i);
        }
        return s;
    }

    /** {@code tensor.size(dim)}; a negative dim counts from the end. */
    public long size(int dim) {
        return t.size(dim);
    }

    /** {@code tensor.dim()}. */
    public int dim() {
        return (int) t.dim();
    }

    /** {@code tensor.numel()}. */
    public long numel() {
        return t.numel();
    }

    public DType dtype() {
        return dtypeOf(t.scalar_type());
    }

    public Device device() {
        if (!t.is_cuda()) {
            return Device.cpu();
        }
        org.bytedeco.pytorch.Device d = t.device();
        try {
            return Device.cuda(d.index());
        } finally {
            d.deallocate();
        }
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor add(Tensor other) {
        return t(t.add(other.t));
    }

    public Tensor add(double value) {
        return t(t.add(scalar(value)));
    }

    public Tensor sub(Tensor other) {
        return t(t.sub(other.t));
    }

    public Tensor sub(double value) {
        return t(t.sub(scalar(value)));
    }

    /** {@code value - this} ({@code torch.rsub}). */
    public Tensor rsub(double value) {
        return t(torch.rsub(t, scalar(value)));
    }

    public Tensor mul(Tensor other) {
        return t(t.mul(other.t));
    }

    public Tensor mul(double value) {
        return t(t.mul(scalar(value)));
    }

    public Tensor div(Tensor other) {
        return t(t.div(other.t));
    }

    public Tensor div(double value) {
        return t(t.div(new Scalar(value)));
    }

    public Tensor neg() {
        return t(t.neg());
    }

    public Tensor pow(double exponent) {
        return t(t.pow(scalar(exponent)));
    }

    public Tensor pow(Tensor exponent) {
        return t(t.pow(exponent.t));
    }

    public Tensor sqrt() {
        return t(t.sqrt());
    }

    public Tensor rsqrt() {
        return t(t.rsqrt());
    }

    public Tensor exp() {
        return t(t.exp());
    }

    public Tensor log() {
        return t(t.log());
    }

    public Tensor tanh() {
        return t(t.tanh());
    }

    public Tensor sin() {
        return t(t.sin());
    }

    public Tensor cos() {
        return t(t.cos());
    }

    public Tensor abs() {
        return t(t.abs());
    }

    public Tensor square() {
        return t(t.square());
    }

    public Tensor sign() {
        return t(t.sign());
    }

    public Tensor round() {
        return t(t.round());
    }

    public Tensor floor() {
        return t(t.floor());
    }

    public Tensor ceil() {
        return t(t.ceil());
    }

    public Tensor erf() {
        return t(t.erf());
    }

    public Tensor sigmoid() {
        return t(t.sigmoid());
    }

    public Tensor relu() {
        return t(t.relu());
    }

    /** {@code torch.maximum(this, other)}. */
    public Tensor maximum(Tensor other) {
        return t(t.maximum(other.t));
    }

    public Tensor maximum(double value) {
        return t(torch.clamp_min(t, scalar(value)));
    }

    public Tensor minimum(Tensor other) {
        return t(t.minimum(other.t));
    }

    public Tensor minimum(double value) {
        return t(torch.clamp_max(t, scalar(value)));
    }

    /** {@code torch.clamp(this, min, max)}. */
    public Tensor clamp(double min, double max) {
        return t(t.clamp(new ScalarOptional(scalar(min)), new ScalarOptional(scalar(max))));
    }

    // ---------------------------------------------------------------- comparisons (bool results)

    public Tensor eq(Tensor other) {
        return t(t.eq(other.t));
    }

    public Tensor eq(double value) {
        return t(t.eq(new Scalar(value)));
    }

    public Tensor ne(Tensor other) {
        return t(t.ne(other.t));
    }

    public Tensor ne(double value) {
        return t(t.ne(new Scalar(value)));
    }

    public Tensor lt(Tensor other) {
        return t(t.lt(other.t));
    }

    public Tensor lt(double value) {
        return t(t.lt(new Scalar(value)));
    }

    public Tensor le(double value) {
        return t(t.le(new Scalar(value)));
    }

    public Tensor gt(Tensor other) {
        return t(t.gt(other.t));
    }

    public Tensor gt(double value) {
        return t(t.gt(new Scalar(value)));
    }

    public Tensor ge(double value) {
        return t(t.ge(new Scalar(value)));
    }

    public Tensor logicalNot() {
        return t(t.logical_not());
    }

    public Tensor logicalAnd(Tensor other) {
        return t(t.logical_and(other.t));
    }

    public Tensor isnan() {
        return t(t.isnan());
    }

    public Tensor isinf() {
        return t(t.isinf());
    }

    /** {@code torch.masked_fill(this, mask, value)}. */
    public Tensor maskedFill(Tensor mask, double value) {
        return t(torch.masked_fill(t, mask.t, new Scalar(value)));
    }

    // ---------------------------------------------------------------- linear algebra, reductions

    public Tensor matmul(Tensor other) {
        return t(t.matmul(other.t));
    }

    public Tensor softmax(int dim) {
        return t(torch.softmax(t, dim));
    }

    public Tensor logSoftmax(int dim) {
        return t(torch.log_softmax(t, dim));
    }

    public Tensor sum() {
        return t(t.sum());
    }

    public Tensor sum(int dim, boolean keepdim) {
        return t(t.sum(new long[] {dim}, keepdim, new ScalarTypeOptional()));
    }

    public Tensor mean() {
        return t(t.mean());
    }

    public Tensor mean(int dim, boolean keepdim) {
        return t(t.mean(new long[] {dim}, keepdim, new ScalarTypeOptional()));
    }

    public Tensor max() {
        return t(t.max());
    }

    /** The values of {@code torch.max(this, dim, keepdim)}. */
    public Tensor amax(int dim, boolean keepdim) {
        return t(t.amax(new long[] {dim}, keepdim));
    }

    public Tensor min() {
        return t(t.min());
    }

    public Tensor amin(int dim, boolean keepdim) {
        return t(t.amin(new long[] {dim}, keepdim));
    }

    /** {@code torch.argmax(this, dim)} (int64). */
    public Tensor argmax(int dim) {
        return t(t.argmax(new LongOptional(dim), false));
    }

    /** {@code torch.cumsum(this, dim)}. */
    public Tensor cumsum(int dim) {
        return t(t.cumsum(dim));
    }

    /** {@code torch.linalg.vector_norm(this)} (the 2-norm of all elements). */
    public Tensor norm() {
        return t(torch.linalg_vector_norm(t));
    }

    /** The indices of {@code torch.topk(this, k, dim)}. */
    public Tensor topkIndices(int k, int dim) {
        org.bytedeco.pytorch.T_TensorTensor_T r = torch.topk(t, k, dim, true, true);
        org.bytedeco.pytorch.Tensor idx = new org.bytedeco.pytorch.Tensor(r.get1());
        r.deallocate();
        return t(idx);
    }

    /** {@code torch.nn.functional.one_hot(this, numClasses)} in float32. */
    public Tensor oneHot(int numClasses) {
        org.bytedeco.pytorch.Tensor l = torch.one_hot(t, numClasses);
        try {
            return t(l.to(l.device(), ScalarType.Float));
        } finally {
            l.deallocate();
        }
    }

    // ---------------------------------------------------------------- shape

    /** {@code tensor.reshape(shape)} (one dim may be -1). */
    public Tensor reshape(long... shape) {
        return t(t.reshape(shape));
    }

    /** {@code tensor.permute(dims)}. */
    public Tensor permute(int... dims) {
        return t(t.permute(longs(dims)));
    }

    /** {@code tensor.transpose(dim0, dim1)}. */
    public Tensor transpose(int dim0, int dim1) {
        return t(t.transpose(dim0, dim1));
    }

    public Tensor unsqueeze(int dim) {
        return t(t.unsqueeze(dim));
    }

    public Tensor squeeze(int dim) {
        return t(t.squeeze(dim));
    }

    /** {@code tensor.expand(shape)}: broadcasts to {@code shape}. */
    public Tensor expand(long... shape) {
        return t(t.expand(shape));
    }

    /** {@code tensor.repeat(repeats)}: tiles along each dim. */
    public Tensor repeat(long... repeats) {
        return t(t.repeat(repeats));
    }

    /** {@code tensor.flip(dims)}. */
    public Tensor flip(int... dims) {
        return t(t.flip(longs(dims)));
    }

    /** {@code tensor.narrow(dim, start, length)}. */
    public Tensor narrow(int dim, long start, long length) {
        return t(t.narrow(dim, start, length));
    }

    /** {@code tensor.select(dim, index)}: drops {@code dim}. */
    public Tensor select(int dim, long index) {
        return t(t.select(dim, index));
    }

    /** {@code torch.split(this, splitSize, dim)}. */
    public List<Tensor> split(long splitSize, int dim) {
        long n = size(dim);
        List<Tensor> out = new ArrayList<>();
        for (long s = 0; s < n; s += splitSize) {
            out.add(narrow(dim, s, Math.min(splitSize, n - s)));
        }
        return out;
    }

    /** {@code torch.chunk(this, chunks, dim)} for a size that {@code chunks} divides. */
    public List<Tensor> chunk(int chunks, int dim) {
        return split(size(dim) / chunks, dim);
    }

    /** {@code torch.gather(this, dim, index)}. */
    public Tensor gather(int dim, Tensor index) {
        return t(t.gather(dim, index.t));
    }

    /** {@code torch.index_select(this, dim, index)} (index int64, 1-D). */
    public Tensor indexSelect(int dim, Tensor index) {
        return t(t.index_select(dim, index.t));
    }

    /** {@code torch.nn.functional.embedding(ids, weight)}: the rows of {@code weight} at {@code ids}. */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        return t(torch.embedding(weight.t, ids.t));
    }

    /** {@code torch.nn.functional.linear(x, weight, bias)}; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return t(bias == null ? torch.linear(x.t, weight.t) : torch.linear(x.t, weight.t, new TensorOptional(bias.t)));
    }

    /** {@code torch.nn.functional.layer_norm} over the last dim. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return t(torch.layer_norm(x.t, new long[] {x.size(-1)}, optional(weight), optional(bias), eps, false));
    }

    /** {@code torch.nn.functional.dropout(x, p, training)}. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        if (!training || p == 0) {
            return x; // as torch: the input itself
        }
        return t(torch.dropout(x.t, p, true));
    }

    /**
     * {@code torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropoutP if
     * training else 0)}: {@code q}, {@code k}, {@code v} are (batch, heads, seq, head_dim); {@code mask} (may be
     * null) is additive (float, broadcast to (batch, heads, q_seq, k_seq)) or boolean (true = attend).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, double dropoutP, boolean training) {
        return t(torch.scaled_dot_product_attention(q.t, k.t, v.t, optional(mask), training ? dropoutP : 0.0, false,
                new DoubleOptional(), false));
    }

    private static TensorOptional optional(Tensor x) {
        return x == null ? new TensorOptional() : new TensorOptional(x.t);
    }

    // ---------------------------------------------------------------- dtype, device, copies

    /** {@code tensor.to(dtype)}: a new tensor, or this one (as torch) when the dtype matches. */
    public Tensor to(DType dtype) {
        if (dtype() == dtype) {
            return this;
        }
        org.bytedeco.pytorch.Device d = t.device();
        try {
            return t(t.to(d, scalarType(dtype)));
        } finally {
            d.deallocate();
        }
    }

    /** {@code tensor.to(device)}: a new tensor, or this one (as torch) when already there. */
    public Tensor to(Device device) {
        if (device().equals(device)) {
            return this;
        }
        org.bytedeco.pytorch.Device d = nativeDevice(device);
        try {
            return t(t.to(d, t.scalar_type().intern()));
        } finally {
            d.deallocate();
        }
    }

    /** {@code tensor.clone()}: a copy that autograd follows. */
    @Override
    public Tensor clone() {
        return t(t.clone());
    }

    /** {@code tensor.detach()}: the same data, out of autograd. */
    public Tensor detach() {
        return t(t.detach());
    }

    // ---------------------------------------------------------------- in place (torch's trailing underscore)

    public Tensor add_(Tensor other) {
        return inPlace(t.add_(other.t));
    }

    public Tensor add_(double value) {
        return inPlace(t.add_(scalar(value)));
    }

    public Tensor sub_(Tensor other) {
        return inPlace(t.sub_(other.t));
    }

    public Tensor mul_(Tensor other) {
        return inPlace(t.mul_(other.t));
    }

    public Tensor mul_(double value) {
        return inPlace(t.mul_(scalar(value)));
    }

    public Tensor div_(Tensor other) {
        return inPlace(t.div_(other.t));
    }

    public Tensor div_(double value) {
        return inPlace(t.div_(new Scalar(value)));
    }

    /** {@code tensor.copy_(src)}. */
    public Tensor copy_(Tensor src) {
        return inPlace(t.copy_(src.t));
    }

    public Tensor zero_() {
        return inPlace(t.zero_());
    }

    // ---------------------------------------------------------------- autograd

    /** {@code tensor.requires_grad_(flag)}. */
    public Tensor requiresGrad_(boolean flag) {
        return inPlace(t.requires_grad_(flag));
    }

    public boolean requiresGrad() {
        return t.requires_grad();
    }

    /** {@code tensor.grad}, or null when none was accumulated. */
    public Tensor grad() {
        org.bytedeco.pytorch.Tensor g = t.grad();
        if (g == null || g.isNull() || !g.defined()) {
            return null;
        }
        return t(new org.bytedeco.pytorch.Tensor(g)); // an owned handle on the accumulated grad (shared storage)
    }

    /** {@code tensor.backward()} for a scalar. */
    public void backward() {
        t.backward();
    }

    /** {@code tensor.backward(gradient)}. */
    void backward(Tensor grad) {
        t.backward(grad.t, new BoolOptional(), false, new TensorArrayRefOptional());
    }

    // ---------------------------------------------------------------- data out

    /** A contiguous CPU handle on this tensor's values in {@code st} (this handle itself when it is one). */
    private org.bytedeco.pytorch.Tensor readable(ScalarType st) {
        org.bytedeco.pytorch.Tensor c = t;
        if (t.is_cuda() || t.scalar_type().intern() != st) {
            org.bytedeco.pytorch.Device cpu = new org.bytedeco.pytorch.Device(torch.DeviceType.CPU);
            c = t.to(cpu, st);
            cpu.deallocate();
        }
        if (!c.is_contiguous()) {
            org.bytedeco.pytorch.Tensor cc = c.contiguous();
            if (c != t) {
                c.deallocate();
            }
            c = cc;
        }
        return c;
    }

    private void done(org.bytedeco.pytorch.Tensor c) {
        if (c != t) {
            c.deallocate();
        }
    }

    /** The values as float (converted from any dtype), row-major. */
    public float[] toFloatArray() {
        org.bytedeco.pytorch.Tensor c = readable(ScalarType.Float);
        try {
            float[] out = new float[(int) c.numel()];
            if (out.length > 0) {
                new FloatPointer(c.data_ptr()).get(out);
            }
            return out;
        } finally {
            done(c);
        }
    }

    public long[] toLongArray() {
        org.bytedeco.pytorch.Tensor c = readable(ScalarType.Long);
        try {
            long[] out = new long[(int) c.numel()];
            if (out.length > 0) {
                new LongPointer(c.data_ptr()).get(out);
            }
            return out;
        } finally {
            done(c);
        }
    }

    public double[] toDoubleArray() {
        org.bytedeco.pytorch.Tensor c = readable(ScalarType.Double);
        try {
            double[] out = new double[(int) c.numel()];
            if (out.length > 0) {
                new DoublePointer(c.data_ptr()).get(out);
            }
            return out;
        } finally {
            done(c);
        }
    }

    public boolean[] toBooleanArray() {
        org.bytedeco.pytorch.Tensor c = readable(ScalarType.Bool);
        try {
            byte[] b = new byte[(int) c.numel()];
            if (b.length > 0) {
                new BytePointer(c.data_ptr()).get(b);
            }
            boolean[] out = new boolean[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = b[i] != 0;
            }
            return out;
        } finally {
            done(c);
        }
    }

    /** Native-order bytes of the tensor's dtype (a copy, in a direct buffer). */
    public ByteBuffer toByteBuffer() {
        return bytesOf(t);
    }

    static ByteBuffer bytesOf(org.bytedeco.pytorch.Tensor n) {
        Tensor w = new Tensor(n);
        org.bytedeco.pytorch.Tensor c = w.readable(n.scalar_type().intern());
        try {
            long bytes = c.numel() * c.element_size();
            ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            if (bytes > 0) {
                Pointer.memcpy(new BytePointer(out), c.data_ptr(), bytes);
            }
            return out;
        } finally {
            w.done(c);
        }
    }

    /** {@code tensor.item()} of a one-element tensor, as double. */
    public double item() {
        if (t.numel() != 1) {
            throw new IllegalStateException("item() of a tensor with " + t.numel() + " elements");
        }
        return t.item_double();
    }

    /** Frees the native memory now (idempotent). */
    @Override
    public void close() {
        t.deallocate();
    }

    public boolean isClosed() {
        return t.isNull();
    }

    /** {@link Scope#keep}: takes the handle out of every scope of this thread; close() or the GC frees it then. */
    void detachFromScopes() {
        t.retainReference(); // a reference of our own, so that detaching from a scope that lacks it frees nothing
        for (Iterator<PointerScope> it = PointerScope.getScopeIterator(); it != null && it.hasNext(); ) {
            PointerScope s = it.next();
            t.retainReference();
            s.detach(t); // drops the handle from s when there (and one reference either way)
        }
    }

    // ---------------------------------------------------------------- added for nn (keep this marker)
    // Ported from the nn slice's DJL section (worktree nn, f4c9200) on 2026-12-07; recheck against the merge.

    /** {@code torch.cumprod(this, dim, dtype=dtype)}: with a size-1 dim, a dtype cast that autograd follows. */
    public Tensor cumprod(int dim, DType dtype) {
        return t(t.cumprod(dim, new ScalarTypeOptional(scalarType(dtype))));
    }

    /** {@code torch.nn.functional.gelu(this)} (exact, {@code approximate='none'}). */
    public Tensor gelu() {
        return t(torch.gelu(t));
    }

    /** {@code torch.nn.functional.gelu(this, approximate)}: {@code "none"} or {@code "tanh"} (HF's {@code gelu_new}). */
    public Tensor gelu(String approximate) {
        return t(torch.gelu(t, approximate));
    }

    /** {@code torch.zeros_like(this)} (also added by the train slice: keep one at the merge). */
    public Tensor zerosLike() {
        return t(torch.zeros_like(t));
    }

    /** {@code torch.rand_like(this)}: uniform in [0, 1) from the default generator. */
    public Tensor randLike() {
        return t(torch.rand_like(t));
    }

    /** {@code torch.empty_like(this).uniform_(from, to)} from the default generator. */
    public Tensor uniformLike(double from, double to) {
        org.bytedeco.pytorch.Tensor e = torch.empty_like(t);
        inPlaceOf(e, e.uniform_(from, to, new org.bytedeco.pytorch.GeneratorOptional()));
        return t(e);
    }

    /** {@code torch.nn.functional.conv1d(x, weight, bias, stride, padding, dilation, groups)}; bias may be null. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long dilation, int groups) {
        return t(torch.conv1d(x.t, weight.t, optional(bias), new long[] {stride}, new long[] {padding}, new long[] {dilation}, groups));
    }

    /** {@code tensor.grad} as libtorch gives it: null while undefined. Now the same as {@link #grad()}. */
    public Tensor definedGrad() {
        return grad();
    }

    /**
     * {@code tensor.grad.zero_()}: sets an existing gradient to 0, inf and NaN entries too; nothing without one
     * (also added by the train slice: keep one at the merge).
     */
    public void zeroGrad() {
        org.bytedeco.pytorch.Tensor g = t.grad();
        if (g != null && !g.isNull() && g.defined()) {
            inPlaceOf(g, g.zero_());
        }
    }

    // (end of nn)

    // ---------------------------------------------------------------- added for models-a (keep this marker)
    // Ported from the models-a slice's DJL section (worktree modelsa, a0df65b); models-b has the same method.

    /**
     * Runs {@code body} in a nested {@link Scope}: its intermediates are freed on return and its result belongs to the
     * caller's scope (torch frees a layer's intermediates by refcount; here a layer's forward says so).
     */
    public static Tensor scoped(java.util.function.Supplier<Tensor> body) {
        PointerScope caller = PointerScope.getInnerScope();
        Tensor out;
        try (Scope scope = Scope.open()) {
            out = body.get();
            if (out != null && !out.isClosed()) {
                out.t.retainReference(); // outlives this scope's release
            }
        }
        if (out != null && !out.isClosed() && caller != null) {
            caller.attach(out.t); // the caller's scope, if it opened one, now holds ...
            out.t.releaseReference(); // ... the reference taken above
        }
        return out;
    }

    // (end of models-a)

    // ---------------------------------------------------------------- added for models-b (keep this marker)

    // (end of models-b)

    // ---------------------------------------------------------------- added for train (keep this marker)
    // Ported from the train slice's DJL section (worktree train, 9b27914): zerosLike() and zeroGrad() are in the nn
    // section above (both slices added them).

    /**
     * How many native objects JavaCPP holds now (tensor handles and the small helpers of the ops): the leak tests'
     * measure; it returns to its level when a step's scope closes. Not the DJL count of arrays: compare before/after,
     * never against a constant.
     */
    public static int liveCount() {
        return (int) Pointer.totalCount();
    }

    // (end of train)

    // ---------------------------------------------------------------- added for pipeline-cli (keep this marker)
    // Ported from the pipeline-cli slice's DJL section (worktree pipecli, c403b3c).

    /** {@code torch.randn(shape, dtype=dtype)}: standard normal values from the default generator. */
    public static Tensor randn(DType dtype, long... shape) {
        return t(torch.randn(shape, options(dtype)));
    }

    /** {@code torch.randint(low, high, shape)}: int64 values in [low, high) from the default generator. */
    public static Tensor randint(long low, long high, long... shape) {
        return t(torch.randint(low, high, shape, options(DType.INT64)));
    }

    // (end of pipeline-cli)

    // ---------------------------------------------------------------- added for ddp (keep this marker)

    /** {@code torch.Tensor.contiguous()}: this tensor when already contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return t.is_contiguous() ? this : t(t.contiguous());
    }

    /** {@code torch.Tensor.view(-1)} of a contiguous tensor: its elements as one dimension, sharing storage. */
    public Tensor flatView() {
        return t(t.view(new long[] {-1}));
    }
    /** {@code tensor.grad = g}: gives this leaf a gradient (shares {@code g}'s storage). */
    public void setGrad(Tensor g) {
        org.bytedeco.pytorch.Tensor slot = t.mutable_grad();
        inPlaceOf(slot, slot.put(g.t));
    }
    // (end of ddp)

    // ---------------------------------------------------------------- added for engine (keep this marker)

    // (end of engine)

    // ---------------------------------------------------------------- added for bf16bar (keep this marker)

    /** Elements per chunk of {@link #randLikeFloat32}: fixed, so the numbers drawn do not depend on the thread count. */
    static final int RAND_CHUNK = 1 << 17;

    /** Threads that fill the chunks of {@link #randLikeFloat32} beside the caller (daemons, created on first use). */
    private static volatile java.util.concurrent.ExecutorService randPool;

    /**
     * {@code torch.rand_like(this, dtype=torch.float32)}, drawn in parallel on the CPU: a fixed split into chunks, each
     * filled by its own generator seeded from one draw of the default generator, so the numbers are a function of the seed
     * (not of the thread count), though not the same stream as torch's serial {@code rand_like}; elsewhere torch's own.
     */
    public Tensor randLikeFloat32() {
        long n = t.numel();
        if (!t.is_cpu() || n <= RAND_CHUNK) {
            return t(torch.rand_like(t, options(DType.FLOAT32), new MemoryFormatOptional()));
        }
        long base;
        try (org.bytedeco.pytorch.Tensor r = torch.randint(Long.MAX_VALUE, new long[] {1}, options(DType.INT64))) {
            base = r.item_long(); // one draw of the default generator: its stream advances the same for any size
        }
        org.bytedeco.pytorch.Tensor out = torch.empty(t.sizes().vec().get(), options(DType.FLOAT32), new MemoryFormatOptional(torch.MemoryFormat.Contiguous));
        int chunks = (int) ((n + RAND_CHUNK - 1) / RAND_CHUNK);
        try (org.bytedeco.pytorch.Tensor flat = out.view(n)) {
            int threads = Math.min(chunks, Math.max(1, torch.get_num_threads()));
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Runnable fill = () -> {
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    try (PointerScope s = new PointerScope()) {
                        long from = (long) c * RAND_CHUNK;
                        org.bytedeco.pytorch.Tensor part = flat.narrow(0, from, Math.min(RAND_CHUNK, n - from));
                        part.uniform_(0.0, 1.0, new org.bytedeco.pytorch.GeneratorOptional(torch.createCPUGenerator(chunkSeed(base, c))));
                    }
                }
            };
            List<java.util.concurrent.Future<?>> helpers = new java.util.ArrayList<>();
            for (int i = 1; i < threads; i++) {
                helpers.add(randPool().submit(fill));
            }
            fill.run();
            for (java.util.concurrent.Future<?> h : helpers) {
                h.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing random numbers", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("drawing random numbers failed", e.getCause());
        }
        return t(out);
    }

    /** SplitMix64 of (base, chunk): unrelated seeds for neighbouring chunks. */
    static long chunkSeed(long base, int chunk) {
        long z = base + 0x9E3779B97F4A7C15L * (chunk + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static java.util.concurrent.ExecutorService randPool() {
        java.util.concurrent.ExecutorService p = randPool;
        if (p == null) {
            synchronized (Tensor.class) {
                p = randPool;
                if (p == null) {
                    p = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                        Thread th = new Thread(r, "finetune4j-rand");
                        th.setDaemon(true);
                        return th;
                    });
                    randPool = p;
                }
            }
        }
        return p;
    }

    /** {@code torch.where(condition, value, other)}: {@code value} where the condition holds, else {@code other}. */
    public static Tensor where(Tensor condition, double value, Tensor other) {
        return t(torch.where(condition.t, new Scalar(value), other.t));
    }

    /** {@code self.lerp_(end, weight)}: {@code self += weight * (end - self)}, in place. */
    public Tensor lerp_(Tensor end, double weight) {
        return inPlace(t.lerp_(end.t, new Scalar(weight)));
    }

    /** {@code self.addcmul_(tensor1, tensor2, value=value)}: {@code self += value * tensor1 * tensor2}, in place. */
    public Tensor addcmul_(Tensor tensor1, Tensor tensor2, double value) {
        return inPlace(t.addcmul_(tensor1.t, tensor2.t, new Scalar(value)));
    }

    /** {@code self.addcdiv_(tensor1, tensor2, value=value)}: {@code self += value * tensor1 / tensor2}, in place. */
    public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, double value) {
        return inPlace(t.addcdiv_(tensor1.t, tensor2.t, new Scalar(value)));
    }

    // (end of bf16bar)

    @Override
    public String toString() {
        return "tensor(shape=" + Arrays.toString(shape()) + ", dtype=" + dtype() + ", device=" + device() + ")";
    }
}
