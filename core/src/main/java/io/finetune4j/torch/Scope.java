package io.finetune4j.torch;

import org.bytedeco.javacpp.PointerScope;

/**
 * Native memory scoped like a training step: every tensor made on this thread while the scope is open is freed
 * when it closes, except those {@link #keep kept} (which then belong to the caller: they are never freed by a scope
 * again, only by {@link Tensor#close()} or the GC). Scopes nest. A JavaCPP {@code PointerScope} underneath.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.forward(batch).loss();
 *     loss.backward();
 *     return step.keep(loss.detach());
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    static {
        Torch.load(); // the engine loads before the first scope
    }

    private final PointerScope scope;
    private boolean closed;

    private Scope() {
        scope = new PointerScope();
    }

    public static Scope open() {
        return new Scope();
    }

    /** Takes {@code t} out of this scope (and every enclosing one); returns it. */
    public Tensor keep(Tensor t) {
        return detachFromScopes(t);
    }

    /** {@link #keep} for several. */
    public void keep(Tensor... tensors) {
        for (Tensor t : tensors) {
            keep(t);
        }
    }

    /** {@link #keep} without a scope in hand: takes {@code t} out of every open scope of this thread. */
    public static Tensor detachFromScopes(Tensor t) {
        if (t != null && !t.isClosed()) {
            t.detachFromScopes();
        }
        return t;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            scope.close();
        }
    }
}
