package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * NEFTune (HF's neftune_post_forward_hook): while switched on for an embedding table, that table's
 * lookups get uniform noise in {@code [-α/√(L·d), α/√(L·d)]} added, L the sequence length and d the
 * width ({@code output.size(1) * output.size(2)}). The Trainer switches it on around training steps
 * only, as HF's hook acts only in training mode. The noise comes from the engine's generator, which
 * the training step seeds, so runs repeat.
 */
public final class InputNoise {
    private static volatile Map<Parameter, Double> active = Map.of();

    private InputNoise() {}

    /** Switches the noise off again. */
    public interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    /** Adds NEFTune noise of {@code alpha} to lookups of {@code table} until the returned handle is closed. */
    public static synchronized Handle neftune(Parameter table, double alpha) {
        Map<Parameter, Double> next = new IdentityHashMap<>(active);
        next.put(table, alpha);
        active = next;
        return () -> {
            synchronized (InputNoise.class) {
                Map<Parameter, Double> less = new IdentityHashMap<>(active);
                less.remove(table);
                active = less.isEmpty() ? Map.of() : less;
            }
        };
    }

    /** The embedding output, with noise when its table is switched on. */
    static Tensor apply(Parameter table, Tensor out) {
        Map<Parameter, Double> now = active;
        Double alpha = now.isEmpty() ? null : now.get(table);
        if (alpha == null || out.dim() < 3) {
            return out;
        }
        long l = out.size(1);
        long d = out.size(2);
        float mag = (float) (alpha / Math.sqrt((double) l * d));
        Tensor noise = out.uniformLike(-mag, mag);
        return out.add(noise);
    }
}
