package io.finetune4j.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import io.finetune4j.nn.Autocast;
import io.finetune4j.nn.LinearAdapter;
import io.finetune4j.nn.Scalars;
import io.finetune4j.nn.TorchLinear;
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

    LoraLinear(TorchLinear base, String name, LoraConfig config, NDManager manager, long seed) {
        this.base = base;
        this.scaling = config.scaling();
        this.dropout = (float) config.loraDropout();
        int in = base.inFeatures();
        int out = base.outFeatures();
        this.loraA = parameter(manager, name + ".lora_A.weight", new Shape(config.r(), in), kaimingUniform(config.r(), in, seed, name));
        this.loraB = parameter(manager, name + ".lora_B.weight", new Shape(out, config.r()), new float[out * config.r()]);
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

    private static Parameter parameter(NDManager manager, String name, Shape shape, float[] values) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray array = manager.create(values, shape);
        p.setArray(array);
        array.setRequiresGradient(true);
        return p;
    }

    @Override
    public NDArray delta(NDArray x) {
        NDArray in = training && dropout > 0 ? Dropout.dropout(x, dropout, true).singletonOrThrow() : x;
        NDArray product = Autocast.matMul(Autocast.matMul(in, loraA.getArray().transpose()), loraB.getArray().transpose());
        return Scalars.mul(product, scaling);
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

    /** {@code B · A · scaling} as a weight-shaped delta {@code [out, in]}, in {@code manager}. */
    NDArray mergedDelta(NDManager manager) {
        // Host copies: the result must not join the autograd graph of the parameters.
        NDArray a = manager.create(loraA.getArray().toFloatArray(), loraA.getShape());
        NDArray b = manager.create(loraB.getArray().toFloatArray(), loraB.getShape());
        return b.matMul(a).muli((float) scaling);
    }
}
