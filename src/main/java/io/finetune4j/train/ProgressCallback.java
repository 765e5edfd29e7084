package io.finetune4j.train;

import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar over optimizer steps with ETA, loss and throughput (on stderr; hidden with disable_tqdm). */
public final class ProgressCallback implements TrainerCallback {
    private ProgressBar bar;

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(state.maxSteps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().build();
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
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f, %.1f samples/s, MFU %.1f%%",
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
