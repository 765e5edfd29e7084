package io.finetune4j.train;

import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.models.bert.BertForSequenceClassification;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Torch;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One process of {@link DataParallelTest}: a tiny BERT trained on the synthetic task, as one process or as one rank
 * of several (torchrun's variables, set by the test). {@code DataParallelRuns OUT BATCH DROPOUT RESUME MAX_STEPS}; prints
 * "step N" after every step, writes this rank's predictions of the eval rows to OUT/../predictions-RANK.txt and the
 * eval metrics to OUT/../metrics-RANK.txt, and "done" at the end. A failure is one line "error: …" and exit 1.
 */
final class DataParallelRuns {
    static final int TRAIN_ROWS = 48;
    static final int EVAL_ROWS = 21; // not a multiple of batch × ranks: the gathered evaluation drops padding rows

    private DataParallelRuns() {}

    public static void main(String[] argv) throws Exception {
        Path out = Path.of(argv[0]);
        int batch = Integer.parseInt(argv[1]);
        double dropout = Double.parseDouble(argv[2]);
        boolean resume = Boolean.parseBoolean(argv[3]);
        int maxSteps = Integer.parseInt(argv[4]);
        boolean checkpointing = argv.length > 5 && argv[5].equals("gradient_checkpointing");
        String rank = System.getenv().getOrDefault("RANK", "0");
        Torch.manualSeed(7);
        TrainingArguments.Builder a = TrainingArguments.builder().outputDir(out.toString()).learningRate(1e-3)
                .perDeviceTrainBatchSize(batch).perDeviceEvalBatchSize(4).weightDecay(0.01).maxSteps(maxSteps).seed(42)
                .set("warmup_steps", 2).set("disable_tqdm", true).set("report_to", "none").set("logging_steps", 2)
                .evalStrategy("steps").set("eval_steps", 4).saveStrategy("steps").set("save_steps", 3);
        a.set(resume ? "resume_from_checkpoint" : "overwrite_output_dir", "true");
        if (checkpointing) { // the gradients are all-reduced after the backward instead of during it
            a.set("gradient_checkpointing", true);
        }
        TrainerCallback progress = new TrainerCallback() {
            @Override
            public void onStepEnd(TrainingArguments t, TrainerState s, TrainerControl c) {
                System.out.println("step " + s.globalStep);
                System.out.flush();
            }
        };
        try (BertForSequenceClassification model = BertForSequenceClassification.random(BertConfig.tiny().withDropout(dropout, dropout), 2,
                Device.cpu())) {
            Trainer trainer = Trainer.builder().model(model).args(a.build()).trainColumns(SyntheticTask.make(TRAIN_ROWS, 4))
                    .evalColumns(SyntheticTask.make(EVAL_ROWS, 5)).computeMetrics(ComputeMetrics.classification()).peakFlops(1e11)
                    .callback(progress).build();
            TrainOutput result = trainer.train();
            PredictionOutput p = trainer.predict(SyntheticTask.make(EVAL_ROWS, 5));
            List<String> lines = new ArrayList<>();
            for (float[] row : p.predictions()) {
                lines.add(java.util.Arrays.toString(row));
            }
            Files.write(out.resolveSibling("predictions-" + rank + ".txt"), lines);
            // the same model evaluated by this process alone (no sharding): what the sharded evaluation must equal
            Trainer alone = Trainer.builder().model(model).args(a.build()).evalColumns(SyntheticTask.make(EVAL_ROWS, 5))
                    .computeMetrics(ComputeMetrics.classification()).distributed(io.finetune4j.train.distributed.DistributedEnv.single()).build();
            List<String> aloneLines = new ArrayList<>();
            for (float[] row : alone.predict(SyntheticTask.make(EVAL_ROWS, 5)).predictions()) {
                aloneLines.add(java.util.Arrays.toString(row));
            }
            Files.write(out.resolveSibling("predictions-alone-" + rank + ".txt"), aloneLines);
            Map<String, Double> ma = alone.evaluate();
            Files.writeString(out.resolveSibling("metrics-alone-" + rank + ".txt"), "eval_loss=" + ma.get("eval_loss") + "\neval_accuracy="
                    + ma.get("eval_accuracy") + "\neval_f1=" + ma.get("eval_f1") + "\n");
            Map<String, Double> m = trainer.evaluate();
            Files.writeString(out.resolveSibling("metrics-" + rank + ".txt"), "train_loss=" + result.trainingLoss() + "\n"
                    + "eval_loss=" + m.get("eval_loss") + "\neval_accuracy=" + m.get("eval_accuracy") + "\neval_f1=" + m.get("eval_f1") + "\n");
        } catch (RuntimeException e) {
            System.out.println("error: " + e.getMessage());
            System.out.flush();
            System.exit(1);
        }
        System.out.println("done");
    }

    /** A child JVM running {@link #main}, as rank {@code rank} of {@code world} (world 1: no torchrun variables). */
    static Process start(Path out, int batch, double dropout, boolean resume, int maxSteps, int rank, int world, int port, Path log,
            String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), DataParallelRuns.class.getName(),
                out.toString(), Integer.toString(batch), Double.toString(dropout), Boolean.toString(resume), Integer.toString(maxSteps)));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(new File(log.toString())));
        pb.environment().put("OMP_NUM_THREADS", "1");
        if (world > 1) {
            pb.environment().put("RANK", Integer.toString(rank));
            pb.environment().put("WORLD_SIZE", Integer.toString(world));
            pb.environment().put("LOCAL_RANK", Integer.toString(rank));
            pb.environment().put("LOCAL_WORLD_SIZE", Integer.toString(world));
            pb.environment().put("MASTER_ADDR", "127.0.0.1");
            pb.environment().put("MASTER_PORT", Integer.toString(port));
        }
        return pb.start();
    }
}
