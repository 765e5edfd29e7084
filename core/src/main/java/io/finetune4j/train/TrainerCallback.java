package io.finetune4j.train;

import java.nio.file.Path;
import java.util.Map;

/** Hooks into the training loop, as HF's TrainerCallback; every method defaults to doing nothing. */
public interface TrainerCallback {
    default void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    default void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** {@code logs} is the entry just appended to state.log_history. */
    default void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {}

    /** {@code metrics} are the eval_* values of this evaluation. */
    default void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    default void onSave(TrainingArguments args, TrainerState state, TrainerControl control, Path checkpoint) {}

    default void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}
}
