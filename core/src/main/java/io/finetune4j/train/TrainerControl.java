package io.finetune4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** HF's TrainerControl: flags callbacks set to steer the loop. */
public final class TrainerControl {
    public boolean shouldTrainingStop;
    public boolean shouldEpochStop;
    public boolean shouldSave;
    public boolean shouldEvaluate;
    public boolean shouldLog;

    /**
     * HF's {@code TrainerControl.state()} as a checkpoint's trainer_state.json keeps it under
     * {@code stateful_callbacks["TrainerControl"]} (HF's Trainer resuming a checkpoint updates that entry when it saves
     * and fails without it). {@code saving}: the flags as they stand while a checkpoint is written (should_save on).
     */
    Map<String, Object> state(boolean saving) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("should_epoch_stop", shouldEpochStop);
        args.put("should_evaluate", shouldEvaluate);
        args.put("should_log", shouldLog);
        args.put("should_save", shouldSave || saving);
        args.put("should_training_stop", shouldTrainingStop);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("args", args);
        out.put("attributes", new LinkedHashMap<>());
        return out;
    }
}
