package io.finetune4j.train;

import ai.djl.Device;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.SequenceClassifier;
import java.nio.file.Path;

/**
 * The runs the exact-resume tests compare: a tiny random BERT with dropout 0.1 (so every step draws
 * dropout masks), trained with evaluation and checkpoints interleaved. Also a child-process main for
 * the kill -9 test: {@code ResumeRuns OUTPUT_DIR RESUME(true|false)} prints "step N" after every step.
 */
final class ResumeRuns {
    static final int MAX_STEPS = 36;

    private ResumeRuns() {}

    static BertForSequenceClassification tinyBert() {
        BertConfig c = BertConfig.tiny().withDropout(0.1, 0.1);
        return BertForSequenceClassification.random(c, 5, Device.cpu());
    }

    static TrainingArguments.Builder args(Path out, int seed) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(1e-3).perDeviceTrainBatchSize(8)
                .perDeviceEvalBatchSize(16).weightDecay(0.01).maxSteps(MAX_STEPS).seed(seed)
                .set("warmup_steps", 3).set("disable_tqdm", true).set("report_to", "none")
                .set("logging_steps", 5).evalStrategy("steps").set("eval_steps", 5)
                .saveStrategy("steps").set("save_steps", 4);
    }

    /** 40 rows: 5 steps per epoch, so the run crosses epoch boundaries and resumes inside an epoch. */
    static Trainer trainer(SequenceClassifier model, TrainingArguments args, TrainerCallback... callbacks) {
        Trainer.Builder b = Trainer.builder().model(model).args(args).trainColumns(SyntheticTask.make(40, 4))
                .evalColumns(SyntheticTask.make(24, 5)).computeMetrics(ComputeMetrics.classification()).peakFlops(1e11);
        for (TrainerCallback c : callbacks) {
            b.callback(c);
        }
        return b.build();
    }

    public static void main(String[] argv) {
        Path out = Path.of(argv[0]);
        boolean resume = Boolean.parseBoolean(argv[1]);
        TrainingArguments.Builder a = args(out, 42);
        if (resume) {
            a.set("resume_from_checkpoint", "true");
        } else {
            a.set("overwrite_output_dir", true);
        }
        TrainerCallback progress = new TrainerCallback() {
            @Override
            public void onStepEnd(TrainingArguments t, TrainerState s, TrainerControl c) {
                System.out.println("step " + s.globalStep);
                System.out.flush();
            }
        };
        try (BertForSequenceClassification model = tinyBert()) {
            trainer(model, a.build(), progress).train();
        }
        System.out.println("done");
    }
}
