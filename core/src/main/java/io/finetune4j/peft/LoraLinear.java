package io.finetune4j.peft;

import io.finetune4j.nn.LinearAdapter;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.util.SplittableRandom;

/**
 * PEFT's LoRA term on one linear layer: {@code dropout(x) · Aᵀ · Bᵀ · scaling}, with A {@code [r, in]}
 * initialised like PEFT (torch's kaiming_uniform_ with a = √5, i.e. uniform(±1/√in)) and B {@code [out, r]}
 * zero, so a fresh adapter leaves the layer's output unchanged.
 */
final class LoraLinear implements LinearAdapter {
    private final TorchLinear base;
    private final Parameter loraA;
    private final Parameter loraB;
    private final double scaling;
    private final float dropout;
    private volatile boolean training;

    LoraLinear(TorchLinear base, String name, LoraConfig config, long seed) {
        this.base = base;
        this.scaling = config.scaling();
        this.dropout = (float) config.loraDropout();
        int in = base.inFeatures();
        int out = base.outFeatures();
        Device device = base.weight().data().device();
        this.loraA = parameter(device, name + ".lora_A.weight", kaimingUniform(config.r(), in, seed, name), config.r(), in);
        this.loraB = parameter(device, name + ".lora_B.weight", new float[out * config.r()], out, config.r());
    }

    /** torch.nn.init.kaiming_uniform_(w, a=sqrt(5)): bound = gain·√(3/fan_in) with gain √(2/(1+a²)) = 1/√fan_in. */
    private static float[] kaimingUniform(int rows, int fanIn, long seed, String name) {
        double bound = 1.0 / Math.sqrt(fanIn);
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        float[] v = new float[rows * fanIn];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextDouble(-bound, bound);
        }
        return v;
    }

    /** A trainable weight on {@code device} that lives as long as the model (out of any open {@link Scope}). */
    private static Parameter parameter(Device device, String name, float[] values, long... shape) {
        Tensor data;
        try (Scope init = Scope.open()) {
            data = init.keep(Tensor.of(values, shape).to(device));
        }
        return Parameter.of(name, Parameter.Type.WEIGHT, data).requiresGrad_(true);
    }

    /** {@code lora_B(lora_A(dropout(x))) * scaling}. */
    @Override
    public Tensor delta(Tensor x) {
        Tensor in = Tensor.dropout(x, dropout, training);
        Tensor product = in.matmul(loraA.data().transpose(0, 1)).matmul(loraB.data().transpose(0, 1));
        return product.mul(scaling);
    }

    @Override
    public java.util.List<Parameter> parameters() {
        return java.util.List.of(loraA, loraB);
    }

    /** torch's train()/eval(): dropout is active only while training. */
    void setTraining(boolean training) {
        this.training = training;
    }

    TorchLinear base() {
        return base;
    }

    Parameter loraA() {
        return loraA;
    }

    Parameter loraB() {
        return loraB;
    }

    /** {@code B · A · scaling} as a weight-shaped delta {@code [out, in]}, on the weights' device, in the current scope. */
    Tensor mergedDelta() {
        // Host copies: the result must not join the autograd graph of the parameters.
        Device device = loraA.data().device();
        Tensor a = Tensor.of(loraA.data().toFloatArray(), loraA.shape()).to(device);
        Tensor b = Tensor.of(loraB.data().toFloatArray(), loraB.shape()).to(device);
        return b.matmul(a).mul_((float) scaling);
    }
}
