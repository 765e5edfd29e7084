package io.finetune4j.train;

import io.finetune4j.train.TrainingArguments.SchedulerType;

/**
 * HF's get_scheduler learning-rate multipliers (a LambdaLR): the optimizer step with index
 * {@code step} (0-based) uses {@code baseLr × factor(step)}. The state is the number of steps taken.
 */
public final class LrSchedule {
    private final SchedulerType type;
    private final double baseLr;
    private final int warmupSteps;
    private final int totalSteps;
    private int lastStep;

    public LrSchedule(SchedulerType type, double baseLr, int warmupSteps, int totalSteps) {
        this.type = type;
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The multiplier of the base learning rate at a step, with HF's formulas. */
    public double factor(int step) {
        return switch (type) {
            case CONSTANT -> 1.0;
            case CONSTANT_WITH_WARMUP -> step < warmupSteps ? (double) step / Math.max(1.0, warmupSteps) : 1.0;
            case LINEAR -> step < warmupSteps
                    ? (double) step / Math.max(1, warmupSteps)
                    : Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> {
                if (step < warmupSteps) {
                    yield (double) step / Math.max(1, warmupSteps);
                }
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
        };
    }

    /** Learning rate for the next optimizer step (what HF logs as learning_rate: get_last_lr()). */
    public double currentLr() {
        return baseLr * factor(lastStep);
    }

    /** Advances one optimizer step. */
    public void step() {
        lastStep++;
    }

    public int lastStep() {
        return lastStep;
    }

    /** Restores the step count (scheduler.json's last_epoch). */
    public void setLastStep(int step) {
        this.lastStep = step;
    }

    public double baseLr() {
        return baseLr;
    }

    public int warmupSteps() {
        return warmupSteps;
    }

    public int totalSteps() {
        return totalSteps;
    }

    public SchedulerType type() {
        return type;
    }
}
