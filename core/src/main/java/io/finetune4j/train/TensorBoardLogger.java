package io.finetune4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * report_to tensorboard: every log entry becomes scalars tagged like HF's TensorBoardLogger
 * (train/loss, train/learning_rate, train/grad_norm, train/epoch, eval/loss, eval/accuracy, …).
 */
public final class TensorBoardLogger implements TrainerCallback, AutoCloseable {
    private final Path logDir;
    private TensorBoardWriter writer;

    public TensorBoardLogger(Path logDir) {
        this.logDir = logDir;
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (writer == null) {
            writer = new TensorBoardWriter(logDir);
        }
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        if (writer == null) {
            writer = new TensorBoardWriter(logDir);
        }
        writer.scalars(state.globalStep, tags(logs));
    }

    /** HF's rewrite of log keys: eval_x → eval/x, test_x → test/x, anything else → train/x. */
    static Map<String, Double> tags(Map<String, Object> logs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : logs.entrySet()) {
            if (!(e.getValue() instanceof Number n) || e.getKey().equals("step")) {
                continue;
            }
            String k = e.getKey();
            String tag;
            if (k.startsWith("eval_")) {
                tag = "eval/" + k.substring(5);
            } else if (k.startsWith("test_")) {
                tag = "test/" + k.substring(5);
            } else {
                tag = "train/" + k;
            }
            out.put(tag, n.doubleValue());
        }
        return out;
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        close();
    }

    public Path file() {
        return writer == null ? null : writer.file();
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
