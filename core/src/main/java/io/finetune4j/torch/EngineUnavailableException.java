package io.finetune4j.torch;

/** libtorch's natives could not be loaded: a runtime failure of this machine (exit 1), not bad input. */
public final class EngineUnavailableException extends RuntimeException {
    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
