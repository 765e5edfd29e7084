package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/**
 * {@code torch.nn.Parameter}: a named tensor of a module that the optimizer updates unless frozen
 * ({@code requires_grad=False}). Its name is its dotted attribute path, which is the checkpoint name.
 */
public final class Parameter implements AutoCloseable {
    /** What the parameter is (HF's names for the initializer choice). */
    public enum Type { WEIGHT, BIAS, GAMMA, BETA, OTHER }

    private final String name;
    private final Type type;
    private Tensor data;
    private long[] shape;
    private boolean requiresGrad = true;

    private Parameter(String name, Type type) {
        this.name = name;
        this.type = type;
    }

    public static Parameter of(String name, Type type, Tensor data) {
        Parameter p = new Parameter(name, type);
        p.setData(data);
        return p;
    }

    /** A parameter with a shape and no values (counting and printing without allocating). */
    public static Parameter shapeOnly(String name, Type type, long... shape) {
        Parameter p = new Parameter(name, type);
        p.shape = shape.clone();
        return p;
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    /** The values; null for a shape-only parameter. */
    public Tensor data() {
        return data;
    }

    /** Replaces the values (the old tensor is not closed here). */
    public void setData(Tensor data) {
        this.data = data;
        this.shape = data == null ? shape : data.shape();
        if (data != null) {
            data.requiresGrad_(requiresGrad);
        }
    }

    public long[] shape() {
        return shape.clone();
    }

    public boolean hasData() {
        return data != null;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** {@code parameter.requires_grad_(flag)}: false freezes it. */
    public Parameter requiresGrad_(boolean flag) {
        requiresGrad = flag;
        if (data != null) {
            data.requiresGrad_(flag);
        }
        return this;
    }

    @Override
    public void close() {
        if (data != null) {
            data.close();
        }
    }

    @Override
    public String toString() {
        return "Parameter(" + name + ", shape=" + java.util.Arrays.toString(shape) + ", requires_grad=" + requiresGrad + ")";
    }
}
