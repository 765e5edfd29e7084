package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;

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
        weight = register("weight", f.create("weight", new Shape(outChannels, inChannels / groups, kernelSize),
                ParameterFactory.Init.NORMAL, Parameter.Type.WEIGHT));
        bias = register("bias", f.create("bias", new Shape(outChannels), ParameterFactory.Init.ZEROS, Parameter.Type.BIAS));
    }

    public NDArray forward(NDArray x) {
        return Conv1d.conv1d(x, weight.getArray(), bias.getArray(), new Shape(1), new Shape(padding), new Shape(1), groups).singletonOrThrow();
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2) + 2L * padding - kernelSize + 1)};
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
