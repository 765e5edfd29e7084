package io.finetune4j.train;

/** The loss became NaN or infinite; training stopped before the optimizer step, leaving saved checkpoints intact. */
public final class TrainingDivergedException extends RuntimeException {
    private final int step;

    public TrainingDivergedException(String message, int step) {
        super(message);
        this.step = step;
    }

    /** The optimizer step (1-based) whose loss was not finite. */
    public int step() {
        return step;
    }
}
