package io.finetune4j.torch;

import ai.djl.ndarray.NDScope;

/**
 * Native memory scoped like a training step: every tensor made on this thread while the scope is open is freed
 * when it closes, except those {@link #keep kept} (which then belong to the caller, or to an enclosing scope's
 * caller: they are never freed by a scope again). Scopes nest.
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
    private final NDScope nd;

    private Scope() {
        Torch.manager(); // the engine loads before the first scope
        nd = new NDScope();
    }

    public static Scope open() {
        return new Scope();
    }

    /** Takes {@code t} out of this scope (and every enclosing one); returns it. */
    public Tensor keep(Tensor t) {
        if (t != null) {
            NDScope.unregister(t.nd());
        }
        return t;
    }

    /** {@link #keep} for several. */
    public void keep(Tensor... tensors) {
        for (Tensor t : tensors) {
            keep(t);
        }
    }

    /** {@link #keep} without a scope in hand: takes {@code t} out of every open scope of this thread. */
    public static Tensor detachFromScopes(Tensor t) {
        if (t != null) {
            NDScope.unregister(t.nd());
        }
        return t;
    }

    @Override
    public void close() {
        nd.close();
    }
}
