package io.finetune4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finetune4j.torch.Device;
import io.finetune4j.io.Cache;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.models.SequenceClassifier;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The runs the exact-resume tests compare: a tiny random BERT with dropout 0.1 (so every step draws
 * dropout masks), trained with evaluation and checkpoints interleaved, and bert-base-uncased cut to one
 * layer (dropout 0.1 as pretrained) for the integration test. Also a child-process main for the kill -9
 * tests: {@code ResumeRuns OUTPUT_DIR RESUME(true|false) [tiny|tiny-bf16|bert-base-1]} prints "step N" after every
 * step and "done" at the end.
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

    /** {@link #args(Path, int)} with bf16=true: autocast to bfloat16 in the training forward and in evaluation. */
    static TrainingArguments.Builder args(Path out, int seed, boolean bf16) {
        return args(out, seed).set("bf16", bf16);
    }

    /** 40 rows: 5 steps per epoch, so the run crosses epoch boundaries and resumes inside an epoch. */
    static Trainer trainer(SequenceClassifier model, TrainingArguments args, TrainerCallback... callbacks) {
        return trainer(model, args, 40, 24, callbacks);
    }

    /** A Trainer on {@code trainRows} and {@code evalRows} of the synthetic task. */
    private static Trainer trainer(SequenceClassifier model, TrainingArguments args, int trainRows, int evalRows, TrainerCallback... callbacks) {
        Trainer.Builder b = Trainer.builder().model(model).args(args).trainColumns(SyntheticTask.make(trainRows, 4))
                .evalColumns(SyntheticTask.make(evalRows, 5)).computeMetrics(ComputeMetrics.classification()).peakFlops(1e11);
        for (TrainerCallback c : callbacks) {
            b.callback(c);
        }
        return b.build();
    }

    /** bert-base-uncased from the cache, first layer only, dropout 0.1 as pretrained; 2 labels. */
    static BertForSequenceClassification oneLayerBertBase() {
        return BertForSequenceClassification.fromPretrained(Cache.standard().model("bert-base-uncased"),
                LoadOptions.builder().numLabels(2).numHiddenLayers(1).seed(42).device(Device.cpu()).build());
    }

    /** The integration run: 24 steps of 8, evaluation every 6, a checkpoint every 4. */
    static TrainingArguments.Builder bertBaseArgs(Path out) {
        return TrainingArguments.builder().outputDir(out.toString()).learningRate(2e-5).perDeviceTrainBatchSize(8).weightDecay(0.01)
                .maxSteps(24).set("disable_tqdm", true).set("report_to", "none").set("logging_steps", 3)
                .evalStrategy("steps").set("eval_steps", 6).saveStrategy("steps").set("save_steps", 4);
    }

    static Trainer bertBaseTrainer(SequenceClassifier model, TrainingArguments args, TrainerCallback... callbacks) {
        return trainer(model, args, 96, 32, callbacks);
    }

    /**
     * Runs {@code kind}'s training as a child JVM into {@code run}, SIGKILLs it at random moments (4 times, each
     * within {@code maxStepsPerLaunch} steps of its launch plus up to 40 ms, so kills land in steps, evaluations
     * and checkpoint writes), resumes with resume_from_checkpoint=true after each, and lets the last launch
     * finish. After every launch only complete checkpoints may be listed. Returns the number of kills.
     */
    static int killAndResume(Path run, Path log, String kind, int maxStepsPerLaunch, int timeoutSeconds) throws Exception {
        Random rng = new Random(System.nanoTime());
        int kills = 0;
        int launches = 0;
        boolean finished = false;
        while (!finished) {
            assertTrue(++launches <= 12, "too many launches");
            boolean resume = Checkpoints.latestCheckpoint(run) != null;
            Process p = child(run, resume, kind, log);
            int killAt = kills < 4 ? 1 + rng.nextInt(maxStepsPerLaunch) : Integer.MAX_VALUE; // steps into this launch
            int seen = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("step ") && ++seen >= killAt) {
                        Thread.sleep(rng.nextInt(40)); // lands in a step, an evaluation or a checkpoint write
                        p.destroyForcibly(); // SIGKILL
                        kills++;
                        break;
                    }
                    finished |= line.equals("done");
                }
            }
            assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "child did not end");
            if (killAt == Integer.MAX_VALUE || (finished && p.exitValue() == 0)) {
                assertEquals(0, p.exitValue(), "child failed; see " + log);
                finished = true;
            } else {
                finished = false;
            }
            // Only complete checkpoints are listed; leftovers of a killed write are ".tmp-" folders.
            for (Path c : Checkpoints.sorted(run)) {
                for (String f : List.of("model.safetensors", "optimizer.pt", "scheduler.pt", "rng_state.pth", "trainer_state.json")) {
                    assertTrue(Files.isRegularFile(c.resolve(f)), c + " lacks " + f);
                }
            }
        }
        return kills;
    }

    private static Process child(Path out, boolean resume, String kind, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Dai.djl.offline=true", kind.startsWith("tiny") ? "-Xmx1g" : "-Xmx4g", "-cp",
                System.getProperty("java.class.path"), ResumeRuns.class.getName(), out.toString(), Boolean.toString(resume), kind);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(new File(log.toString()))).start();
    }

    public static void main(String[] argv) {
        Path out = Path.of(argv[0]);
        boolean resume = Boolean.parseBoolean(argv[1]);
        boolean bertBase = argv.length > 2 && argv[2].equals("bert-base-1");
        TrainingArguments.Builder a = bertBase ? bertBaseArgs(out) : args(out, 42, argv.length > 2 && argv[2].equals("tiny-bf16"));
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
        try (BertForSequenceClassification model = bertBase ? oneLayerBertBase() : tinyBert()) {
            (bertBase ? bertBaseTrainer(model, a.build(), progress) : trainer(model, a.build(), progress)).train();
        }
        System.out.println("done");
    }
}
