package io.finetune4j.nn;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Tensor;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Creates each parameter once, with its final value: from the checkpoint when it holds the HF name
 * (shape checked), otherwise initialised like HF's {@code _init_weights} and recorded as missing.
 * Modules get a {@link #child} per attribute, so a parameter's name is its HF state-dict key.
 *
 * <p>Parameters live as long as the model, not a step: they are made outside every {@link Scope} and freed when
 * the model closes them.
 */
public final class ParameterFactory {
    /** HF's initialisation rules: Linear/Embedding weights normal(0, initializer_range), biases 0, LayerNorm 1/0. */
    public enum Init { NORMAL, ZEROS, ONES }

    private final State state;
    private final String prefix;

    private static final class State {
        final Device device; // null: shapes only (counting and printing without allocating)
        final long seed;
        final double std;
        final Map<String, Tensor> checkpoint; // already renamed to this model's names; null for random init
        final Set<String> used = new LinkedHashSet<>();
        final List<String> missing = new ArrayList<>();
        final AttnImplementation attnImplementation = new AttnImplementation();

        State(Device device, long seed, double std, Map<String, Tensor> checkpoint) {
            this.device = device;
            this.seed = seed;
            this.std = std;
            this.checkpoint = checkpoint;
        }
    }

    private ParameterFactory(State state, String prefix) {
        this.state = state;
        this.prefix = prefix;
    }

    /** Parameters initialised like HF's {@code _init_weights} on {@code device}, from {@code seed}. */
    public static ParameterFactory random(Device device, long seed, double initializerRange) {
        return new ParameterFactory(new State(device, seed, initializerRange, null), "");
    }

    /** Parameters from {@code weights} (renamed to this model's names) on {@code device}; the others as {@link #random}, recorded in {@link #missing}. */
    public static ParameterFactory fromCheckpoint(Device device, long seed, double initializerRange, Map<String, Tensor> weights) {
        return new ParameterFactory(new State(device, seed, initializerRange, weights), "");
    }

    /** Parameters with shapes but no values: enough to print the model and count parameters. */
    public static ParameterFactory shapesOnly() {
        return new ParameterFactory(new State(null, 0, 0, null), "");
    }

    public ParameterFactory child(String name) {
        return new ParameterFactory(state, prefix + name + ".");
    }

    /** The model's {@code config._attn_implementation}: one holder per build, shared by its attention modules. */
    public AttnImplementation attnImplementation() {
        return state.attnImplementation;
    }

    public boolean allocates() {
        return state.device != null;
    }

    /** HF names that were initialised because the checkpoint lacked them. */
    public List<String> missing() {
        return List.copyOf(state.missing);
    }

    /** Checkpoint names that became parameters. */
    public Set<String> used() {
        return Set.copyOf(state.used);
    }

    public Parameter create(String name, long[] shape, Init init, Parameter.Type type) {
        return create(name, shape, init, type, -1);
    }

    /** A parameter whose initial value (when the checkpoint lacks it) is {@code initial} (e.g. sinusoidal positions). */
    public Parameter create(String name, long[] shape, float[] initial, Parameter.Type type) {
        String full = prefix + name;
        if (state.device == null) {
            return Parameter.shapeOnly(full, type, shape);
        }
        ByteBuffer values = checkpointValues(full, shape);
        if (values == null) {
            if (state.checkpoint != null) {
                state.missing.add(full);
            }
            values = direct(numel(shape));
            values.asFloatBuffer().put(initial);
        }
        return Parameter.of(full, type, allocate(values, shape));
    }

    /** {@code zeroRow} >= 0 zeroes that row after a random init (Embedding's padding_idx, as HF does). */
    public Parameter create(String name, long[] shape, Init init, Parameter.Type type, int zeroRow) {
        String full = prefix + name;
        if (state.device == null) {
            return Parameter.shapeOnly(full, type, shape);
        }
        ByteBuffer values = checkpointValues(full, shape);
        if (values == null) {
            if (state.checkpoint != null) {
                state.missing.add(full);
            }
            values = initialValues(full, shape, init, zeroRow);
        }
        return Parameter.of(full, type, allocate(values, shape));
    }

    /**
     * The float32 tensor over {@code values} on the factory's device, out of every open scope, requiring a gradient
     * ({@link Parameter#of} sets it). A direct buffer becomes the tensor's storage as is (no copy); going through
     * float[] would leave a heap copy of every weight behind, which the JVM keeps resident after the GC (hundreds of
     * MB for bert-base).
     */
    private io.finetune4j.torch.Tensor allocate(ByteBuffer values, long[] shape) {
        io.finetune4j.torch.Tensor cpu = Scope.detachFromScopes(io.finetune4j.torch.Tensor.fromBuffer(values, DType.FLOAT32, shape));
        if (!state.device.isCuda()) {
            return cpu;
        }
        try (cpu) {
            return Scope.detachFromScopes(cpu.to(state.device));
        }
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private ByteBuffer checkpointValues(String full, long[] shape) {
        if (state.checkpoint == null) {
            return null;
        }
        Tensor t = state.checkpoint.get(full);
        if (t == null) {
            return null;
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new BadInputException("checkpoint tensor '" + full + "' has shape " + Arrays.toString(t.shape())
                    + " but the config needs " + Arrays.toString(shape)
                    + "; does config.json belong to these weights?");
        }
        if (!t.readable()) {
            throw new BadInputException("checkpoint tensor '" + full + "' is over 2 GiB, more than one tensor can hold here");
        }
        state.used.add(full);
        try {
            ByteBuffer out = direct(numel(shape));
            if (t.dtype() == Tensor.DType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                out.put(t.data().duplicate()); // safetensors data is little-endian float32 already
            } else {
                out.asFloatBuffer().put(t.toFloats());
            }
            return out.rewind();
        } catch (IllegalStateException e) {
            throw new BadInputException("checkpoint tensor '" + full + "' has dtype " + t.dtype() + "; a floating-point tensor is needed");
        }
    }

    private ByteBuffer initialValues(String full, long[] shape, Init init, int zeroRow) {
        ByteBuffer out = direct(numel(shape)); // zero-filled
        FloatBuffer v = out.asFloatBuffer();
        int n = v.capacity();
        switch (init) {
            case ONES -> {
                for (int i = 0; i < n; i++) {
                    v.put(i, 1f);
                }
            }
            case ZEROS -> { }
            case NORMAL -> {
                // One stream per name: the value of a parameter does not depend on which others exist.
                SplittableRandom rng = new SplittableRandom(state.seed * 0x9E3779B97F4A7C15L ^ full.hashCode());
                for (int i = 0; i < n; i++) {
                    v.put(i, (float) (rng.nextGaussian() * state.std));
                }
                if (zeroRow >= 0 && shape.length == 2) {
                    int cols = (int) shape[1];
                    for (int i = zeroRow * cols; i < (zeroRow + 1) * cols; i++) {
                        v.put(i, 0f);
                    }
                }
            }
        }
        return out;
    }

    private static ByteBuffer direct(long elements) {
        return ByteBuffer.allocateDirect(Math.toIntExact(elements * 4)).order(ByteOrder.nativeOrder());
    }
}
