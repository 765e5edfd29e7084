package io.finetune4j.train;

/** HF's TrainerControl: flags callbacks set to steer the loop. */
public final class TrainerControl {
    public boolean shouldTrainingStop;
    public boolean shouldEpochStop;
    public boolean shouldSave;
    public boolean shouldEvaluate;
    public boolean shouldLog;
}
