package io.finetune4j.serve;

/**
 * The batcher's queue has no room for a request's texts right now; the client should retry later
 * (the server answers 429 with Retry-After).
 */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(String message) {
        super(message);
    }
}
