package io.finetune4j.nn;

import io.finetune4j.torch.Autocast;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * HF's {@code gradient_checkpointing}: each encoder layer's activations are dropped after the forward and recomputed
 * in the backward, so a training step holds one hidden state per layer instead of every layer's intermediates.
 *
 * <p>torch does it with a custom autograd function ({@code torch.utils.checkpoint}); here the segments are run by
 * hand. While a checkpointing scope is open on the thread ({@link #begin}), an encoder's
 * {@link #layer} call runs the layer without recording a graph and returns its output as a fresh leaf that requires
 * a gradient; the head and the loss run as usual. After the loss's backward has filled the top layer's output
 * gradient, {@link #backward()} walks the layers from the top down: it recomputes layer i with a graph from its
 * saved input (a leaf), backpropagates the output gradient through it (accumulating the layer's parameter gradients
 * and giving the input's), and hands the input gradient on to layer i-1, finally into the embeddings' graph.
 *
 * <p>Dropout: before each layer, in the forward and again in its recompute, the generator is reseeded from the
 * scope's seed and the layer's position, so both draw the same masks (torch saves and restores the RNG state
 * instead; the engine exposed no generator state). Without dropout the gradients are those of the plain step; with dropout
 * the masks differ from a run without checkpointing but are a function of the seed, so runs repeat and resume.
 *
 * <p>A tensor with a graph that several layers (or a layer and other ops) read, such as DeBERTa's relative
 * embeddings, goes through {@link #shared} first: its graph is then backpropagated once, after the layers above it.
 */
public final class GradientCheckpointing implements AutoCloseable {
    private static final ThreadLocal<GradientCheckpointing> ACTIVE = new ThreadLocal<>();

    private sealed interface Entry permits Segment, Shared {}

    /** A layer run without a graph: its input as given, its output (a leaf) and how to run it again. */
    private record Segment(long seed, Tensor input, Tensor output, UnaryOperator<Tensor> forward) implements Entry {}

    /** A tensor with a graph that the layers read through {@code leaf}. */
    private record Shared(Tensor original, Tensor leaf) implements Entry {}

    private final long seed;
    private final List<Entry> tape = new ArrayList<>();
    private int segments;

    private GradientCheckpointing(long seed) {
        this.seed = seed;
    }

    /**
     * Opens checkpointing on this thread for one forward + backward; {@code seed} fixes the dropout masks of the
     * layers (derive it from the step, so a resumed run draws the same ones).
     */
    public static GradientCheckpointing begin(long seed) {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("gradient checkpointing is already open on this thread");
        }
        GradientCheckpointing c = new GradientCheckpointing(seed);
        ACTIVE.set(c);
        return c;
    }

    /**
     * One encoder layer: {@code forward.apply(hidden)} as is when no checkpointing scope is open (or autograd is
     * off), else run without a graph and recorded for {@link #backward()}. {@code forward} must be repeatable: it
     * may read other tensors, but any of them with a graph must have come through {@link #shared}.
     */
    public static Tensor layer(Module layer, Tensor hidden, UnaryOperator<Tensor> forward) {
        GradientCheckpointing c = ACTIVE.get();
        if (c == null || !Autograd.isEnabled()) {
            return forward.apply(hidden);
        }
        return c.record(layer, hidden, forward);
    }

    /**
     * {@code t} as the layers should read it: unchanged outside a scope, else a leaf alias whose gradient (summed over
     * its readers) is backpropagated into {@code t} (its graph, or the parameter it is) by {@link #backward()}.
     */
    public static Tensor shared(Tensor t) {
        GradientCheckpointing c = ACTIVE.get();
        if (c == null || !Autograd.isEnabled()) {
            return t;
        }
        Tensor leaf = t.detach();
        leaf.requiresGrad_(true);
        c.tape.add(new Shared(t, leaf));
        return leaf;
    }

    /** How many layers this scope has recorded so far. */
    public int segments() {
        return segments;
    }

    private Tensor record(Module layer, Tensor hidden, UnaryOperator<Tensor> forward) {
        if (!leafRequiresGrad(hidden) && !trainable(layer)) {
            // A frozen layer whose input is not a checkpointed one: below every trainable layer it needs no backward;
            // run as usual (should the input have a graph, autograd then keeps this layer, which stays correct).
            return forward.apply(hidden);
        }
        long s = segmentSeed(seed, tape.size());
        Torch.manualSeed(s);
        Tensor out;
        try (Autograd noGrad = Autograd.noGrad()) {
            out = forward.apply(hidden);
        }
        if (Autocast.isEnabled()) {
            Autocast.clearCache(); // its weight casts were made without a graph: the recompute must cast again
        }
        out.requiresGrad_(true);
        tape.add(new Segment(s, hidden, out, forward));
        segments++;
        return out;
    }

    /**
     * After the loss's backward: recomputes the recorded layers from the top down, accumulating their parameters'
     * gradients and passing each input's gradient on, down into the embeddings. Needs autograd on (inside the
     * step's gradient collector).
     */
    public void backward() {
        for (int i = tape.size() - 1; i >= 0; i--) {
            Entry e = tape.get(i);
            if (e instanceof Segment s) {
                recompute(s);
            } else if (e instanceof Shared sh) {
                try (Tensor g = gradient(sh.leaf())) {
                    if (g != null) {
                        backwardIfTracked(sh.original(), g);
                    }
                }
                sh.leaf().close();
            }
        }
        tape.clear();
    }

    private void recompute(Segment s) {
        try (Tensor gOut = gradient(s.output())) {
            s.output().close(); // its storage and gradient are no longer needed: everything above it is done
            if (gOut == null) {
                return;
            }
            Tensor in = s.input().detach();
            try {
                in.requiresGrad_(true);
                Torch.manualSeed(s.seed());
                try (Tensor out = s.forward().apply(in)) {
                    backward(out, gOut);
                }
                try (Tensor gIn = gradient(in)) {
                    if (gIn != null) {
                        backwardIfTracked(s.input(), gIn); // into the previous layer's output leaf, or the embeddings' graph
                    }
                }
            } finally {
                in.close();
            }
        }
    }

    /** Closes what the scope still holds (after a failed step) and ends it on this thread. */
    @Override
    public void close() {
        for (Entry e : tape) {
            if (e instanceof Segment s) {
                s.output().close();
            } else if (e instanceof Shared sh) {
                sh.leaf().close();
            }
        }
        tape.clear();
        if (ACTIVE.get() == this) {
            ACTIVE.remove();
        }
    }

    /** Whether a parameter of {@code m}'s subtree, or of an adapter on one of its linears (LoRA), trains. */
    private static boolean trainable(Module m) {
        for (Parameter p : m.namedParameters().values()) {
            if (p.requiresGrad()) {
                return true;
            }
        }
        return adapterTrains(m);
    }

    private static boolean adapterTrains(Module m) {
        if (m instanceof TorchLinear linear && linear.adapter() != null) {
            for (Parameter p : linear.adapter().parameters()) {
                if (p.requiresGrad()) {
                    return true;
                }
            }
        }
        for (Module child : m.namedChildren().values()) {
            if (adapterTrains(child)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code x} needs a gradient: a leaf that requires one, or the result of ops on such (torch's requires_grad). */
    private static boolean leafRequiresGrad(Tensor x) {
        return x.requiresGrad();
    }

    /** The accumulated gradient of leaf {@code x}, or null when backward never reached it. */
    private static Tensor gradient(Tensor x) {
        return x.grad();
    }

    /** {@code torch.autograd.backward(target, grad)}. */
    private static void backward(Tensor target, Tensor grad) {
        Autograd.backward(target, grad);
    }

    /**
     * {@link #backward} when {@code target} is tracked by autograd; nothing when it is not (torch refuses before
     * doing anything: "element 0 of tensors does not require grad and does not have a grad_fn"), e.g. the output
     * of frozen embeddings, whose gradient was computed for nothing.
     */
    private static void backwardIfTracked(Tensor target, Tensor grad) {
        try {
            backward(target, grad);
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("does not require grad")) {
                throw e;
            }
        }
    }

    /** An unrelated seed for each (scope seed, position) pair: SplitMix64's finalizer. */
    static long segmentSeed(long seed, int position) {
        long z = seed * 0x9E3779B97F4A7C15L + position + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0x7FFFFFFFL;
    }

}
