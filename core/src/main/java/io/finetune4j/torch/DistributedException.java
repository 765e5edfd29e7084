package io.finetune4j.torch;

/** A collective of a {@link ProcessGroup} failed: a peer rank went away, the rendezvous failed, or ddp_timeout passed. */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message, Throwable cause) {
        super(message, cause);
    }
}
