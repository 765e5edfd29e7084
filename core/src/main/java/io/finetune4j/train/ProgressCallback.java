package io.finetune4j.train;

import io.finetune4j.util.TqdmBar;
import java.util.Locale;
import java.util.Map;

/** A tqdm-style bar over optimizer steps with ETA, loss, throughput and MFU (on stderr; hidden with disable_tqdm). */
public final class ProgressCallback implements TrainerCallback {
    private TqdmBar bar;

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        bar = TqdmBar.start("train", state.maxSteps, "it", true);
        bar.stepTo(state.globalStep);
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (bar != null) {
            bar.stepTo(state.globalStep);
        }
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        if (bar != null && logs.get("loss") instanceof Number loss) {
            bar.message(String.format(Locale.ROOT, "loss %.4f, %.2f samples/s, MFU %.1f%%",
                    loss.doubleValue(), state.samplesPerSecond, 100 * state.mfu));
        }
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
