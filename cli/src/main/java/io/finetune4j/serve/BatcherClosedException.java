package io.finetune4j.serve;

/** The batcher is shutting down and takes no new work, or was stopped before a request ran. */
public final class BatcherClosedException extends RuntimeException {
    public BatcherClosedException(String message) {
        super(message);
    }
}
