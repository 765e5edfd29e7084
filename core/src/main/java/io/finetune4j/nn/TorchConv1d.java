package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/** torch's {@code nn.Conv1d} (stride 1, zero padding): weight {@code [out, in / groups, kernel]}, bias {@code [out]}, input {@code [batch, in, length]}. */
public final class TorchConv1d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernelSize;
    private final int padding;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    public TorchConv1d(ParameterFactory f, int inChannels, int outChannels, int kernelSize, int padding, int groups) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.padding = padding;
        this.groups = groups;
        weight = register("weight", f.create("weight", new long[] {outChannels, inChannels / groups, kernelSize},
                ParameterFactory.Init.NORMAL, Parameter.Type.WEIGHT));
        bias = register("bias", f.create("bias", new long[] {outChannels}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
    }

    /** {@code [batch, in, length]} → {@code [batch, out, length + 2·padding - kernel + 1]}. */
    public Tensor forward(Tensor x) {
        return Tensor.conv1d(x, weight.data(), bias.data(), 1, padding, 1, groups);
    }

    @Override
    protected String typeName() {
        return "Conv1d";
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernelSize + ",), stride=(1,), padding=(" + padding + ",)"
                + (groups != 1 ? ", groups=" + groups : "");
    }

}
