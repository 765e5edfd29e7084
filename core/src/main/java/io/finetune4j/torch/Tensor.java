package io.finetune4j.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A libtorch tensor with torch's names ({@code matmul}, {@code softmax(dim)}, {@code unsqueeze}, {@code add_}), so
 * that model code reads like HF's {@code forward} methods. Native memory: a tensor made inside a {@link Scope}
 * is freed when the scope closes unless {@link Scope#keep kept}; {@link #close()} frees it at once.
 *
 * <p>Backend: today DJL's PyTorch engine (libtorch 2.7.1); the engine issue moves it to JavaCPP's libtorch 2.10
 * without changing this class's face. {@link #nd()} and {@link #wrap} exist only while code moves over.
 */
public final class Tensor implements AutoCloseable {
    private final NDArray nd;

    private Tensor(NDArray nd) {
        this.nd = nd;
    }

    // ---------------------------------------------------------------- transition (removed with DJL)

    /** The DJL array underneath; only for code not yet moved to this class. */
    public NDArray nd() {
        return nd;
    }

    /** Wraps a DJL array (no copy); only for code not yet moved to this class. */
    public static Tensor wrap(NDArray nd) {
        return nd == null ? null : new Tensor(nd);
    }

    static NDManager manager() {
        return Torch.manager();
    }

    static DataType djl(DType t) {
        return switch (t) {
            case FLOAT32 -> DataType.FLOAT32;
            case FLOAT16 -> DataType.FLOAT16;
            case BFLOAT16 -> DataType.BFLOAT16;
            case FLOAT64 -> DataType.FLOAT64;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOLEAN;
        };
    }

    static DType ours(DataType t) {
        return switch (t) {
            case FLOAT32 -> DType.FLOAT32;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case FLOAT64 -> DType.FLOAT64;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case INT8 -> DType.INT8;
            case UINT8 -> DType.UINT8;
            case BOOLEAN -> DType.BOOL;
            default -> throw new IllegalStateException("unsupported dtype " + t);
        };
    }

    static ai.djl.Device djl(Device d) {
        return d.isCuda() ? ai.djl.Device.gpu(d.index()) : ai.djl.Device.cpu();
    }

    private static Tensor t(NDArray a) {
        return new Tensor(a);
    }

    // ---------------------------------------------------------------- creation (in the current scope)

    /** {@code torch.tensor(data).view(shape)}, float32; no shape: 1-D. */
    public static Tensor of(float[] data, long... shape) {
        return t(manager().create(data, shapeOf(data.length, shape)));
    }

    /** int64. */
    public static Tensor of(long[] data, long... shape) {
        return t(manager().create(data, shapeOf(data.length, shape)));
    }

    /** int32. */
    public static Tensor of(int[] data, long... shape) {
        return t(manager().create(data, shapeOf(data.length, shape)));
    }

    /** float64. */
    public static Tensor of(double[] data, long... shape) {
        return t(manager().create(data, shapeOf(data.length, shape)));
    }

    /** bool. */
    public static Tensor of(boolean[] data, long... shape) {
        return t(manager().create(data, shapeOf(data.length, shape)));
    }

    /**
     * A tensor over native-order bytes of {@code dtype} (a direct buffer becomes the storage without a copy
     * where the backend allows).
     */
    public static Tensor fromBuffer(ByteBuffer data, DType dtype, long... shape) {
        return t(manager().create(data.order(ByteOrder.nativeOrder()), new Shape(shape), djl(dtype)));
    }

    /** A 0-dim tensor ({@code torch.tensor(value, dtype=dtype)}). */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    public static Tensor zeros(DType dtype, long... shape) {
        return t(manager().zeros(new Shape(shape), djl(dtype)));
    }

    public static Tensor ones(DType dtype, long... shape) {
        return t(manager().ones(new Shape(shape), djl(dtype)));
    }

    public static Tensor full(double value, DType dtype, long... shape) {
        return t(manager().full(new Shape(shape), (float) value, djl(dtype)));
    }

    /** {@code torch.arange(end)}, int64. */
    public static Tensor arange(long end) {
        return arange(0, end);
    }

    /** {@code torch.arange(start, end)}, int64. */
    public static Tensor arange(long start, long end) {
        return t(manager().arange(start, end, 1L, DataType.INT64));
    }

    /** {@code torch.cat(tensors, dim)}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.size() == 1) {
            return tensors.get(0).clone();
        }
        return t(NDArrays.concat(list(tensors), dim));
    }

    /** {@code torch.stack(tensors, dim)}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return t(NDArrays.stack(list(tensors), dim));
    }

    /** {@code torch.where(condition, a, b)}. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return t(NDArrays.where(condition.nd, a.nd, b.nd));
    }

    private static NDList list(List<Tensor> tensors) {
        NDList l = new NDList(tensors.size());
        tensors.forEach(x -> l.add(x.nd));
        return l;
    }

    private static Shape shapeOf(int n, long[] shape) {
        return shape.length == 0 ? new Shape(n) : new Shape(shape);
    }

    // ---------------------------------------------------------------- what it is

    /** {@code tensor.shape} (a copy). */
    public long[] shape() {
        return nd.getShape().getShape().clone();
    }

    /** {@code tensor.size(dim)}; a negative dim counts from the end. */
    public long size(int dim) {
        long[] s = shape();
        return s[dim < 0 ? s.length + dim : dim];
    }

    /** {@code tensor.dim()}. */
    public int dim() {
        return nd.getShape().dimension();
    }

    /** {@code tensor.numel()}. */
    public long numel() {
        return nd.getShape().size();
    }

    public DType dtype() {
        return ours(nd.getDataType());
    }

    public Device device() {
        ai.djl.Device d = nd.getDevice();
        return d.isGpu() ? Device.cuda(d.getDeviceId()) : Device.cpu();
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor add(Tensor other) {
        return t(nd.add(other.nd));
    }

    public Tensor add(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(nd.add(s));
        }
    }

    public Tensor sub(Tensor other) {
        return t(nd.sub(other.nd));
    }

    public Tensor sub(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(nd.sub(s));
        }
    }

    /** {@code value - this} ({@code torch.rsub}). */
    public Tensor rsub(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(s.sub(nd));
        }
    }

    public Tensor mul(Tensor other) {
        return t(nd.mul(other.nd));
    }

    public Tensor mul(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(nd.mul(s));
        }
    }

    public Tensor div(Tensor other) {
        return t(nd.div(other.nd));
    }

    public Tensor div(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(nd.div(s));
        }
    }

    public Tensor neg() {
        return t(nd.neg());
    }

    public Tensor pow(double exponent) {
        try (NDArray s = scalarLike(exponent)) {
            return t(nd.pow(s));
        }
    }

    public Tensor pow(Tensor exponent) {
        return t(nd.pow(exponent.nd));
    }

    public Tensor sqrt() {
        return t(nd.sqrt());
    }

    public Tensor rsqrt() {
        try (NDArray r = nd.sqrt(); NDArray one = scalarLike(1)) {
            return t(one.div(r));
        }
    }

    public Tensor exp() {
        return t(nd.exp());
    }

    public Tensor log() {
        return t(nd.log());
    }

    public Tensor tanh() {
        return t(nd.tanh());
    }

    public Tensor sin() {
        return t(nd.sin());
    }

    public Tensor cos() {
        return t(nd.cos());
    }

    public Tensor abs() {
        return t(nd.abs());
    }

    public Tensor square() {
        return t(nd.square());
    }

    public Tensor sign() {
        return t(nd.sign());
    }

    public Tensor round() {
        return t(nd.round());
    }

    public Tensor floor() {
        return t(nd.floor());
    }

    public Tensor ceil() {
        return t(nd.ceil());
    }

    public Tensor erf() {
        return t(nd.erf());
    }

    public Tensor sigmoid() {
        return t(ai.djl.nn.Activation.sigmoid(nd));
    }

    public Tensor relu() {
        return t(ai.djl.nn.Activation.relu(nd));
    }

    /** {@code torch.maximum(this, other)}. */
    public Tensor maximum(Tensor other) {
        return t(nd.maximum(other.nd));
    }

    public Tensor maximum(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(nd.maximum(s));
        }
    }

    public Tensor minimum(Tensor other) {
        return t(nd.minimum(other.nd));
    }

    public Tensor minimum(double value) {
        try (NDArray s = scalarLike(value)) {
            return t(nd.minimum(s));
        }
    }

    /** {@code torch.clamp(this, min, max)}. */
    public Tensor clamp(double min, double max) {
        return t(nd.clip(min, max));
    }

    // ---------------------------------------------------------------- comparisons (bool results)

    public Tensor eq(Tensor other) {
        return t(nd.eq(other.nd));
    }

    public Tensor eq(double value) {
        return t(nd.eq(value));
    }

    public Tensor ne(Tensor other) {
        return t(nd.neq(other.nd));
    }

    public Tensor ne(double value) {
        return t(nd.neq(value));
    }

    public Tensor lt(Tensor other) {
        return t(nd.lt(other.nd));
    }

    public Tensor lt(double value) {
        return t(nd.lt(value));
    }

    public Tensor le(double value) {
        return t(nd.lte(value));
    }

    public Tensor gt(Tensor other) {
        return t(nd.gt(other.nd));
    }

    public Tensor gt(double value) {
        return t(nd.gt(value));
    }

    public Tensor ge(double value) {
        return t(nd.gte(value));
    }

    public Tensor logicalNot() {
        return t(nd.logicalNot());
    }

    public Tensor logicalAnd(Tensor other) {
        return t(nd.logicalAnd(other.nd));
    }

    public Tensor isnan() {
        return t(nd.isNaN());
    }

    public Tensor isinf() {
        return t(nd.isInfinite());
    }

    /** {@code torch.masked_fill(this, mask, value)}. */
    public Tensor maskedFill(Tensor mask, double value) {
        try (NDArray z = nd.zerosLike(); NDArray s = z.add((float) value); NDArray m = mask.nd.broadcast(nd.getShape())) {
            return t(NDArrays.where(m, s, nd));
        }
    }

    // ---------------------------------------------------------------- linear algebra, reductions

    public Tensor matmul(Tensor other) {
        return t(nd.matMul(other.nd));
    }

    public Tensor softmax(int dim) {
        return t(nd.softmax(dim));
    }

    public Tensor logSoftmax(int dim) {
        return t(nd.logSoftmax(dim));
    }

    public Tensor sum() {
        return t(nd.sum());
    }

    public Tensor sum(int dim, boolean keepdim) {
        return t(nd.sum(new int[] {dim}, keepdim));
    }

    public Tensor mean() {
        return t(nd.mean());
    }

    public Tensor mean(int dim, boolean keepdim) {
        return t(nd.mean(new int[] {dim}, keepdim));
    }

    public Tensor max() {
        return t(nd.max());
    }

    /** The values of {@code torch.max(this, dim, keepdim)}. */
    public Tensor amax(int dim, boolean keepdim) {
        return t(nd.max(new int[] {dim}, keepdim));
    }

    public Tensor min() {
        return t(nd.min());
    }

    public Tensor amin(int dim, boolean keepdim) {
        return t(nd.min(new int[] {dim}, keepdim));
    }

    /** {@code torch.argmax(this, dim)} (int64). */
    public Tensor argmax(int dim) {
        return t(nd.argMax(dim));
    }

    /** {@code torch.cumsum(this, dim)}. */
    public Tensor cumsum(int dim) {
        return t(nd.cumSum(dim));
    }

    /** {@code torch.linalg.vector_norm(this)} (the 2-norm of all elements). */
    public Tensor norm() {
        return t(nd.norm());
    }

    /** The indices of {@code torch.topk(this, k, dim)}. */
    public Tensor topkIndices(int k, int dim) {
        return t(nd.topK(k, dim, true, true).get(1));
    }

    /** {@code torch.nn.functional.one_hot(this, numClasses)} in float32. */
    public Tensor oneHot(int numClasses) {
        return t(nd.oneHot(numClasses));
    }

    // ---------------------------------------------------------------- shape

    /** {@code tensor.reshape(shape)} (one dim may be -1). */
    public Tensor reshape(long... shape) {
        return t(nd.reshape(shape));
    }

    /** {@code tensor.permute(dims)}. */
    public Tensor permute(int... dims) {
        return t(nd.transpose(dims));
    }

    /** {@code tensor.transpose(dim0, dim1)}. */
    public Tensor transpose(int dim0, int dim1) {
        return t(nd.swapAxes(dim0, dim1));
    }

    public Tensor unsqueeze(int dim) {
        return t(nd.expandDims(dim));
    }

    public Tensor squeeze(int dim) {
        return t(nd.squeeze(dim));
    }

    /** {@code tensor.expand(shape)}: broadcasts to {@code shape}. */
    public Tensor expand(long... shape) {
        return t(nd.broadcast(new Shape(shape)));
    }

    /** {@code tensor.repeat(repeats)}: tiles along each dim. */
    public Tensor repeat(long... repeats) {
        return t(nd.tile(repeats));
    }

    /** {@code tensor.flip(dims)}. */
    public Tensor flip(int... dims) {
        return t(nd.flip(dims));
    }

    /** {@code tensor.narrow(dim, start, length)}. */
    public Tensor narrow(int dim, long start, long length) {
        int d = dim < 0 ? dim() + dim : dim;
        NDIndex idx = new NDIndex();
        for (int i = 0; i < d; i++) {
            idx.addAllDim();
        }
        idx.addSliceDim(start, start + length);
        return t(nd.get(idx));
    }

    /** {@code tensor.select(dim, index)}: drops {@code dim}. */
    public Tensor select(int dim, long index) {
        int d = dim < 0 ? dim() + dim : dim;
        NDIndex idx = new NDIndex();
        for (int i = 0; i < d; i++) {
            idx.addAllDim();
        }
        idx.addIndices(index < 0 ? size(d) + index : index);
        return t(nd.get(idx));
    }

    /** {@code torch.split(this, splitSize, dim)}. */
    public List<Tensor> split(long splitSize, int dim) {
        long n = size(dim);
        java.util.ArrayList<Tensor> out = new java.util.ArrayList<>();
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
        return t(nd.gather(index.nd, dim));
    }

    /** {@code torch.index_select(this, dim, index)} (index int64, 1-D). */
    public Tensor indexSelect(int dim, Tensor index) {
        return t(nd.gather(broadcastIndex(dim, index), dim));
    }

    private NDArray broadcastIndex(int dim, Tensor index) {
        int d = dim < 0 ? dim() + dim : dim;
        long[] s = shape();
        s[d] = index.numel();
        long[] view = new long[s.length];
        Arrays.fill(view, 1);
        view[d] = index.numel();
        try (NDArray r = index.nd.reshape(view)) {
            return r.broadcast(new Shape(s));
        }
    }

    /** {@code torch.nn.functional.embedding(ids, weight)}: the rows of {@code weight} at {@code ids}. */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        return t(ai.djl.nn.core.Embedding.embedding(ids.nd, weight.nd, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow());
    }

    /** {@code torch.nn.functional.linear(x, weight, bias)}; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return t(ai.djl.nn.core.Linear.linear(x.nd, weight.nd, bias == null ? null : bias.nd).singletonOrThrow());
    }

    /** {@code torch.nn.functional.layer_norm} over the last dim. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return t(ai.djl.nn.norm.LayerNorm.layerNorm(x.nd, new Shape(x.size(-1)), weight.nd, bias.nd, (float) eps).singletonOrThrow());
    }

    /** {@code torch.nn.functional.dropout(x, p, training)}. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        if (!training || p == 0) {
            return x; // as torch: the input itself
        }
        return t(ai.djl.nn.norm.Dropout.dropout(x.nd, (float) p, true).singletonOrThrow());
    }

    // ---------------------------------------------------------------- dtype, device, copies

    /** {@code tensor.to(dtype)}: a new tensor, or this one (as torch) when the dtype matches. */
    public Tensor to(DType dtype) {
        return dtype() == dtype ? this : t(nd.toType(djl(dtype), false));
    }

    /** {@code tensor.to(device)}: a new tensor, or this one (as torch) when already there. */
    public Tensor to(Device device) {
        return device().equals(device) ? this : t(nd.toDevice(djl(device), false));
    }

    /** {@code tensor.clone()}: a copy that autograd follows. */
    @Override
    public Tensor clone() {
        return t(nd.duplicate());
    }

    /** {@code tensor.detach()}: the same data, out of autograd. */
    public Tensor detach() {
        return t(nd.stopGradient());
    }

    // ---------------------------------------------------------------- in place (torch's trailing underscore)

    public Tensor add_(Tensor other) {
        nd.addi(other.nd);
        return this;
    }

    public Tensor add_(double value) {
        try (NDArray s = scalarLike(value)) {
            nd.addi(s);
        }
        return this;
    }

    public Tensor sub_(Tensor other) {
        nd.subi(other.nd);
        return this;
    }

    public Tensor mul_(Tensor other) {
        nd.muli(other.nd);
        return this;
    }

    public Tensor mul_(double value) {
        try (NDArray s = scalarLike(value)) {
            nd.muli(s);
        }
        return this;
    }

    public Tensor div_(Tensor other) {
        nd.divi(other.nd);
        return this;
    }

    public Tensor div_(double value) {
        try (NDArray s = scalarLike(value)) {
            nd.divi(s);
        }
        return this;
    }

    /** {@code tensor.copy_(src)}. */
    public Tensor copy_(Tensor src) {
        if (src.nd.getDataType() == nd.getDataType()) {
            nd.set(src.nd.toByteBuffer());
        } else {
            try (NDArray c = src.nd.toType(nd.getDataType(), true)) {
                nd.set(c.toByteBuffer());
            }
        }
        return this;
    }

    public Tensor zero_() {
        nd.muli(0);
        return this;
    }

    // ---------------------------------------------------------------- autograd

    /** {@code tensor.requires_grad_(flag)}. */
    public Tensor requiresGrad_(boolean flag) {
        nd.setRequiresGradient(flag);
        return this;
    }

    public boolean requiresGrad() {
        return nd instanceof ai.djl.pytorch.engine.PtNDArray pt ? ai.djl.pytorch.jni.JniUtils.requiresGrad(pt) : nd.hasGradient();
    }

    /** {@code tensor.grad}: null while undefined (backward never reached this tensor), as torch's None. */
    public Tensor grad() {
        if (nd instanceof ai.djl.pytorch.engine.PtNDArray pt) {
            return wrap(ai.djl.pytorch.jni.JniUtils.getGradient(pt));
        }
        return nd.hasGradient() ? t(nd.getGradient()) : null;
    }

    /** {@code tensor.backward()} for a scalar. */
    public void backward() {
        try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            gc.backward(nd);
        }
    }

    // ---------------------------------------------------------------- data out

    /** The values as float (converted from any dtype), row-major. */
    public float[] toFloatArray() {
        if (nd.getDataType() == DataType.FLOAT32) {
            return nd.toFloatArray();
        }
        try (NDArray c = convert(DataType.FLOAT32)) {
            return c.toFloatArray();
        }
    }

    public long[] toLongArray() {
        if (nd.getDataType() == DataType.INT64) {
            return nd.toLongArray();
        }
        try (NDArray c = convert(DataType.INT64)) {
            return c.toLongArray();
        }
    }

    public double[] toDoubleArray() {
        if (nd.getDataType() == DataType.FLOAT64) {
            return nd.toDoubleArray();
        }
        try (NDArray c = convert(DataType.FLOAT64)) {
            return c.toDoubleArray();
        }
    }

    public boolean[] toBooleanArray() {
        return nd.toBooleanArray();
    }

    /** Native-order bytes of the tensor's dtype (a copy). */
    public ByteBuffer toByteBuffer() {
        return nd.toByteBuffer();
    }

    /** {@code tensor.item()} of a one-element tensor, as double. */
    public double item() {
        return toDoubleArray()[0];
    }

    private NDArray convert(DataType t) {
        return nd.toType(t, true);
    }

    private NDArray scalarLike(double value) {
        return nd.getManager().full(new Shape(), (float) value, nd.getDataType());
    }

    /** Frees the native memory now (idempotent). */
    @Override
    public void close() {
        nd.close();
    }

    public boolean isClosed() {
        return nd.isReleased();
    }

    /** {@code torch.cumprod(this, dim, dtype=dtype)}: with a size-1 dim, a dtype cast that autograd follows. */
    public Tensor cumprod(int dim, DType dtype) {
        return t(nd.cumProd(dim, djl(dtype)));
    }

    /** {@code torch.nn.functional.gelu(this)} (exact, {@code approximate='none'}). */
    public Tensor gelu() {
        return t(nd.getNDArrayInternal().gelu());
    }

    /** {@code torch.zeros_like(this)}. */
    public Tensor zerosLike() {
        return t(nd.zerosLike());
    }

    /** {@code torch.rand_like(this)}: uniform in [0, 1) from the default generator. */
    public Tensor randLike() {
        return uniformLike(0, 1);
    }

    /** {@code torch.empty_like(this).uniform_(from, to)} from the default generator. */
    public Tensor uniformLike(double from, double to) {
        return t(nd.getManager().randomUniform((float) from, (float) to, nd.getShape(), nd.getDataType()));
    }

    /** {@code torch.nn.functional.conv1d(x, weight, bias, stride, padding, dilation, groups)}; bias may be null. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long dilation, int groups) {
        return t(ai.djl.nn.convolutional.Conv1d.conv1d(x.nd, weight.nd, bias == null ? null : bias.nd, new Shape(stride),
                new Shape(padding), new Shape(dilation), groups).singletonOrThrow());
    }

    /**
     * {@code tensor.grad.zero_()} (libtorch's {@code mutable_grad().zero_()}): sets an existing gradient to 0, inf and
     * NaN entries too (multiplying by 0 would keep them); nothing without one.
     */
    public void zeroGrad() {
        if (!nd.hasGradient()) {
            return;
        }
        if (nd instanceof ai.djl.pytorch.engine.PtNDArray pt) {
            ai.djl.pytorch.jni.JniUtils.zeroGrad(pt);
            return;
        }
        try (NDArray g = nd.getGradient()) {
            g.muli(0);
        }
    }

    /**
     * Runs {@code body} in a nested {@link Scope}: its intermediates are freed on return and its result belongs to the
     * caller's scope (torch frees a layer's intermediates by refcount; here a layer's forward says so).
     */
    public static Tensor scoped(java.util.function.Supplier<Tensor> body) {
        Tensor out;
        try (Scope scope = Scope.open()) {
            out = scope.keep(body.get());
        }
        ai.djl.ndarray.NDScope.register(out.nd); // the caller's scope, if it opened one
        return out;
    }

    /**
     * How many tensors are alive now (made and not yet freed): the leak tests' measure of native memory held. torch
     * has no such count (it counts bytes, {@code torch.cuda.memory_allocated()}).
     */
    public static int liveCount() {
        return manager().getManagedArrays().size();
    }

    /** {@code torch.randn(shape, dtype=dtype)}: standard normal values from the default generator. */
    public static Tensor randn(DType dtype, long... shape) {
        NDArray f = manager().randomNormal(new Shape(shape));
        if (dtype == DType.FLOAT32) {
            return t(f);
        }
        try (f) {
            return t(f.toType(djl(dtype), true));
        }
    }

    /** {@code torch.randint(low, high, shape)}: int64 values in [low, high) from the default generator. */
    public static Tensor randint(long low, long high, long... shape) {
        return t(manager().randomInteger(low, high, new Shape(shape), DataType.INT64));
    }

    @Override
    public String toString() {
        return "tensor(shape=" + Arrays.toString(shape()) + ", dtype=" + dtype() + ", device=" + device() + ")";
    }
}
