package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** torch's {@code nn.Linear}: {@code y = x W^T + b}, weight stored {@code [out, in]} like torch (one fused libtorch op). */
public final class TorchLinear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private LinearAdapter adapter;

    public TorchLinear(ParameterFactory f, int inFeatures, int outFeatures) {
        this(f, inFeatures, outFeatures, true);
    }

    /** torch's {@code nn.Linear(in, out, bias=hasBias)}: without a bias there is no {@code bias} parameter ({@link #bias()} is null). */
    public TorchLinear(ParameterFactory f, int inFeatures, int outFeatures, boolean hasBias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = register("weight", f.create("weight", new long[] {outFeatures, inFeatures}, ParameterFactory.Init.NORMAL, Parameter.Type.WEIGHT));
        this.bias = hasBias ? register("bias", f.create("bias", new long[] {outFeatures}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS)) : null;
    }

    /** {@code [..., in]} → {@code [..., out]}, plus the adapter's term when one is set. */
    public Tensor forward(Tensor x) {
        Tensor y = Tensor.linear(x, weight.data(), bias == null ? null : bias.data());
        return adapter == null ? y : y.add(adapter.delta(x));
    }

    /** Adds {@code adapter}'s term to every later forward (null removes it); used by PEFT-style adapters. */
    public void setAdapter(LinearAdapter adapter) {
        this.adapter = adapter;
    }

    public LinearAdapter adapter() {
        return adapter;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    protected String typeName() {
        return "Linear";
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias != null ? "True" : "False");
    }

}
