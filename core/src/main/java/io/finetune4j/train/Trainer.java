package io.finetune4j.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.finetune4j.BadInputException;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.metrics.EvalPrediction;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.nn.Autocast;
import io.finetune4j.nn.Scalars;
import io.finetune4j.train.TrainingArguments.IntervalStrategy;
import io.finetune4j.train.TrainingArguments.SaveStrategy;
import io.finetune4j.util.Flops;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's Trainer for sequence classification: AdamW + LR schedule over the model's trainable
 * parameters, gradient accumulation and clipping, logging, evaluation, checkpoints, best model
 * and exact resume. {@link #train()} reads top to bottom like nanoGPT's train.py.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final SequenceClassifier model;
    private final TrainingArguments args;
    private final EncodedColumns trainColumns;
    private final EncodedColumns evalColumns;
    private final ComputeMetrics computeMetrics;
    private final DataCollatorWithPadding collator;
    private final List<TrainerCallback> callbacks;
    private final Double peakFlops;
    private final Path outputDir;
    private TrainerState state = new TrainerState();
    private final GradScaler initialScaler;
    private GradScaler scaler; // fp16 only
    private final TrainerControl control = new TrainerControl();

    private Trainer(Builder b) {
        if (b.model == null || b.args == null) {
            throw new IllegalArgumentException("Trainer needs a model and TrainingArguments");
        }
        this.model = b.model;
        this.args = b.args.validate();
        this.trainColumns = b.trainColumns;
        this.evalColumns = b.evalColumns;
        this.computeMetrics = b.computeMetrics;
        this.collator = b.dataCollator != null ? b.dataCollator : DataCollatorWithPadding.longest();
        this.callbacks = new ArrayList<>(b.callbacks);
        this.peakFlops = b.peakFlops;
        this.initialScaler = b.gradScaler;
        this.outputDir = Path.of(args.outputDir());
    }

    public static Builder builder() {
        return new Builder();
    }

    public TrainerState state() {
        return state;
    }

    public List<TrainerCallback> callbacks() {
        return List.copyOf(callbacks);
    }

    // ------------------------------------------------------------------ training

    public TrainOutput train() {
        if (trainColumns == null) {
            throw new BadInputException("no training data: pass trainColumns to Trainer.builder()");
        }
        Path resumeFrom = resolveResume();
        checkOutputDir(resumeFrom);
        trainColumns.checkLabels(model.numLabels());
        if (evalColumns != null && args.evalStrategy() != IntervalStrategy.NO) {
            evalColumns.checkLabels(model.numLabels());
        }
        Map<String, Parameter> trainable = trainableParameters();

        // --- how long: batches per epoch → optimizer steps per epoch → total steps
        int batchSize = args.perDeviceTrainBatchSize();
        int accumulation = args.gradientAccumulationSteps();
        int[] lengths = args.groupByLength() ? lengths(trainColumns) : null;
        BatchOrder order = new BatchOrder(trainColumns.size(), batchSize, args.dataSeed(), args.dataloaderDropLast(), lengths);
        int batchesPerEpoch = order.batchesPerEpoch();
        if (batchesPerEpoch == 0) {
            throw new BadInputException("the training set has " + trainColumns.size() + " rows, fewer than one batch of "
                    + batchSize + " with dataloader_drop_last; lower per_device_train_batch_size");
        }
        int stepsPerEpoch = (batchesPerEpoch + accumulation - 1) / accumulation;
        int maxSteps = args.maxSteps() > 0 ? args.maxSteps() : (int) Math.ceil(args.numTrainEpochs() * stepsPerEpoch);
        int numEpochs = (maxSteps + stepsPerEpoch - 1) / stepsPerEpoch;

        // --- optimizer, schedule, state (restored when resuming)
        // All parameters: AdamW keeps state for the trainable ones and picks up those a callback unfreezes later.
        try (AdamW optimizer = AdamW.of(model.namedParameters(), args);
             BatchPrefetcher loader = new BatchPrefetcher(collator, trainColumns, args.dataloaderNumWorkers())) {
            LrSchedule schedule = new LrSchedule(args.lrSchedulerType(), args.learningRate(), args.warmupSteps(maxSteps), maxSteps);
            state = new TrainerState();
            scaler = !args.fp16() ? null : initialScaler != null ? initialScaler : new GradScaler();
            if (resumeFrom != null) {
                restore(resumeFrom, optimizer, schedule);
            }
            state.maxSteps = maxSteps;
            state.numTrainEpochs = numEpochs;
            state.loggingSteps = args.loggingSteps();
            state.evalSteps = args.evalSteps();
            state.saveSteps = args.saveSteps();
            state.trainBatchSize = batchSize;
            Engine.getInstance().setRandomSeed(args.seed() + state.globalStep);
            List<TrainerCallback> all = withReporting();
            // HF's total_flos: 6 × non-embedding parameters × input positions (padding included).
            // MFU counts the matmul work the step really does: frozen layers below the lowest trainable
            // one need no backward at all, frozen weights no weight gradient (Flops.trainPerToken).
            Map<String, Long> sizes = nonEmbeddingSizes(model.namedParameters());
            double flopsPerToken = 6.0 * sizes.values().stream().mapToLong(Long::longValue).sum();
            double trainedFlopsPerToken = Flops.trainPerToken(sizes, trainable.keySet());
            if (args.fp16() && !model.manager().getDevice().isGpu()) {
                LOG.warn("fp16 on the CPU: libtorch has no fast CPU float16 matmul (0.91 GFLOP/s vs 169 in float32 on a 2-core EPYC); "
                        + "fp16 is meant for GPUs");
            }
            double peak = peakFlops != null ? peakFlops : PeakFlops.measure(model.manager());
            LOG.info("training {} rows, {} epochs, {} steps ({} per epoch), batch {} x {} accumulation, {} trainable parameters",
                    trainColumns.size(), numEpochs, maxSteps, stepsPerEpoch, batchSize, accumulation, count(trainable));

            optimizer.zeroGrad();
            all.forEach(c -> c.onTrainBegin(args, state, control));
            if (args.evalOnStart() && state.globalStep == 0 && evalColumns != null) {
                evaluateDuringTraining(all);
            }

            long start = System.nanoTime();
            int startStep = state.globalStep;
            double totalLoss = 0;
            double lossSinceLog = 0;
            int stepsSinceLog = 0;
            long rowsSinceLog = 0;
            long rowsSeen = 0;
            double flosSinceLog = 0;
            long lastLogTime = start;
            control.shouldTrainingStop = false;

            // --- the loop: epoch → optimizer step → micro-batches
            int firstEpoch = state.globalStep / stepsPerEpoch;
            int skipSteps = state.globalStep % stepsPerEpoch;
            for (int epoch = firstEpoch; epoch < numEpochs && state.globalStep < maxSteps && !control.shouldTrainingStop; epoch++) {
                List<int[]> batches = order.batches(epoch);
                List<List<int[]>> windows = new ArrayList<>();
                for (int k = skipSteps; k < stepsPerEpoch; k++) {
                    windows.add(batches.subList(k * accumulation, Math.min(batches.size(), (k + 1) * accumulation)));
                }
                loader.startEpoch(windows);
                all.forEach(c -> c.onEpochBegin(args, state, control));
                trainedFlopsPerToken = Flops.trainPerToken(sizes, trainableParameters().keySet()); // callbacks may unfreeze
                for (int stepInEpoch = skipSteps; stepInEpoch < stepsPerEpoch && state.globalStep < maxSteps; stepInEpoch++) {
                    StepResult r = forwardBackward(loader.next());
                    if (!Double.isFinite(r.loss)) {
                        Path last = Checkpoints.latestCheckpoint(outputDir);
                        throw new TrainingDivergedException("the training loss became " + r.loss + " at step " + (state.globalStep + 1)
                                + "; nothing was saved for this step" + (last != null ? ", the last good checkpoint is " + last : "")
                                + "; lower learning_rate or check the inputs", state.globalStep + 1);
                    }
                    double gradNorm;
                    boolean gradientsFinite = scaler == null || scaler.unscale(optimizer);
                    if (gradientsFinite) {
                        gradNorm = optimizer.clipGradNorm(args.maxGradNorm());
                        optimizer.step(schedule.currentLr());
                        schedule.step();
                    } else {
                        // fp16 gradients overflowed: skip the update (and, as HF, the schedule), try a smaller scale.
                        gradNorm = Double.NaN;
                        LOG.warn("step {}: fp16 gradients overflowed; step skipped, loss scale {} -> {}", state.globalStep + 1,
                                scaler.scale(), scaler.scale() * GradScaler.BACKOFF_FACTOR);
                    }
                    if (scaler != null) {
                        scaler.update(gradientsFinite);
                    }
                    optimizer.zeroGrad();

                    state.globalStep++;
                    state.epoch = epoch + (stepInEpoch + 1) / (double) stepsPerEpoch;
                    state.numInputTokensSeen += r.tokens;
                    state.totalFlos += flopsPerToken * r.positions;
                    flosSinceLog += trainedFlopsPerToken * r.positions;
                    totalLoss += r.loss;
                    lossSinceLog += r.loss;
                    stepsSinceLog++;
                    rowsSinceLog += r.rows;
                    rowsSeen += r.rows;
                    all.forEach(c -> c.onStepEnd(args, state, control));

                    boolean epochEnd = stepInEpoch == stepsPerEpoch - 1 || state.globalStep >= maxSteps;
                    if (shouldLog(epochEnd) || control.shouldLog) {
                        long now = System.nanoTime();
                        double seconds = Math.max(1e-9, (now - lastLogTime) / 1e9);
                        state.samplesPerSecond = rowsSinceLog / seconds;
                        state.mfu = flosSinceLog / seconds / peak;
                        Map<String, Object> logs = new LinkedHashMap<>();
                        logs.put("loss", round(lossSinceLog / stepsSinceLog, 4));
                        logs.put("grad_norm", gradNorm);
                        logs.put("learning_rate", schedule.currentLr());
                        logs.put("epoch", state.epoch);
                        log(all, logs);
                        LOG.info("step {}: loss {}, {} samples/s, MFU {}%", state.globalStep, logs.get("loss"),
                                String.format("%.1f", state.samplesPerSecond), String.format("%.2f", 100 * state.mfu));
                        lossSinceLog = 0;
                        stepsSinceLog = 0;
                        rowsSinceLog = 0;
                        flosSinceLog = 0;
                        lastLogTime = now;
                        control.shouldLog = false;
                    }
                    boolean newBest = false;
                    if (shouldEvaluate(epochEnd) || control.shouldEvaluate) {
                        newBest = evaluateDuringTraining(all);
                        control.shouldEvaluate = false;
                    }
                    if (shouldSave(epochEnd, newBest) || control.shouldSave) {
                        saveCheckpoint(optimizer, schedule, epoch, stepInEpoch + 1, newBest, all);
                        control.shouldSave = false;
                    }
                    if (control.shouldTrainingStop || control.shouldEpochStop) {
                        break;
                    }
                }
                control.shouldEpochStop = false;
                skipSteps = 0;
            }

            // --- the end: best model, final model, summary
            double runtime = (System.nanoTime() - start) / 1e9;
            if (args.loadBestModelAtEnd() && state.bestModelCheckpoint != null && Files.isDirectory(Path.of(state.bestModelCheckpoint))) {
                LOG.info("loading the best model from {} ({} = {})", state.bestModelCheckpoint, args.metricForBestModel(), state.bestMetric);
                model.loadCheckpoint(Path.of(state.bestModelCheckpoint));
            }
            int stepsRun = state.globalStep - startStep;
            double trainLoss = stepsRun > 0 ? totalLoss / stepsRun : 0;
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("train_runtime", round(runtime, 4));
            metrics.put("train_samples_per_second", round(rowsSeen / Math.max(runtime, 1e-9), 3));
            metrics.put("train_steps_per_second", round(stepsRun / Math.max(runtime, 1e-9), 3));
            metrics.put("total_flos", state.totalFlos);
            metrics.put("train_loss", trainLoss);
            metrics.put("epoch", state.epoch);
            log(all, new LinkedHashMap<>(metrics));
            saveModel(outputDir);
            state.save(outputDir.resolve(TrainerState.FILE));
            all.forEach(c -> c.onTrainEnd(args, state, control));
            return new TrainOutput(state.globalStep, trainLoss, metrics);
        }
    }

    private record StepResult(double loss, long tokens, long positions, int rows) {}

    /**
     * Forward and backward over the micro-batches of one optimizer step. Each micro-batch's mean
     * loss is weighted by its share of the window's rows, so the summed gradients equal those of
     * one big batch (2 × 4 rows == 8 rows). Gradients accumulate in the parameters until zeroGrad.
     */
    private StepResult forwardBackward(List<DataCollatorWithPadding.HostBatch> window) {
        int rows = 0;
        for (DataCollatorWithPadding.HostBatch b : window) {
            rows += b.rows().length;
        }
        double loss = 0;
        long tokens = 0;
        long positions = 0;
        double lossScale = scaler == null ? 1.0 : scaler.scale();
        try (NDManager step = model.manager().newSubManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector();
             Autocast ignored = Autocast.enable(computeType())) {
            for (DataCollatorWithPadding.HostBatch host : window) {
                DataCollatorWithPadding.Batch batch = host.toDevice(step);
                NDArray logits = model.logits(batch.inputIds(), batch.tokenTypeIds(), batch.attentionMask(), true);
                NDArray mean = Losses.crossEntropy(logits, batch.labels(), args.labelSmoothingFactor()).mean();
                double weight = (double) batch.size() / rows;
                collector.backward(Scalars.mul(mean, weight * lossScale));
                loss += mean.getFloat() * weight;
                tokens += batch.tokens();
                positions += batch.inputIds().getShape().size();
            }
        }
        return new StepResult(loss, tokens, positions, rows);
    }

    /** Matmul precision under autocast: float16 with fp16, else none (float32 throughout). */
    private DataType computeType() {
        return args.fp16() ? DataType.FLOAT16 : null;
    }

    private boolean shouldLog(boolean epochEnd) {
        return switch (args.loggingStrategy()) {
            case NO -> args.loggingFirstStep() && state.globalStep == 1;
            case STEPS -> state.globalStep % args.loggingSteps() == 0 || (args.loggingFirstStep() && state.globalStep == 1);
            case EPOCH -> epochEnd || (args.loggingFirstStep() && state.globalStep == 1);
        };
    }

    private boolean shouldEvaluate(boolean epochEnd) {
        if (evalColumns == null) {
            return false;
        }
        return switch (args.evalStrategy()) {
            case NO -> false;
            case STEPS -> state.globalStep % args.evalSteps() == 0 && args.evalDelay() <= state.globalStep;
            case EPOCH -> epochEnd && args.evalDelay() <= state.epoch;
        };
    }

    private boolean shouldSave(boolean epochEnd, boolean newBest) {
        return switch (args.saveStrategy()) {
            case NO -> false;
            case STEPS -> state.globalStep % args.saveSteps() == 0 || state.globalStep >= state.maxSteps;
            case EPOCH -> epochEnd;
            case BEST -> newBest;
        };
    }

    /** Evaluates, logs eval_*, tells callbacks, then updates the best metric; returns whether it improved. */
    private boolean evaluateDuringTraining(List<TrainerCallback> all) {
        Map<String, Double> metrics = evaluate(evalColumns, "eval");
        log(all, new LinkedHashMap<>(metrics));
        all.forEach(c -> c.onEvaluate(args, state, control, metrics));
        String key = args.metricForBestModel().startsWith("eval_") ? args.metricForBestModel() : "eval_" + args.metricForBestModel();
        Double value = metrics.get(key);
        if (value == null) {
            throw new BadInputException("metric_for_best_model '" + args.metricForBestModel() + "' is not among the evaluation metrics "
                    + metrics.keySet() + "; use one of those names (without eval_)");
        }
        boolean better = state.bestMetric == null
                || (args.greaterIsBetter() ? value > state.bestMetric : value < state.bestMetric);
        if (better) {
            state.bestMetric = value;
            state.bestGlobalStep = state.globalStep;
        }
        return better;
    }

    private void log(List<TrainerCallback> all, Map<String, Object> logs) {
        if (!logs.containsKey("epoch")) {
            logs.put("epoch", state.epoch);
        }
        Map<String, Object> entry = new LinkedHashMap<>(logs);
        entry.put("step", state.globalStep);
        state.logHistory.add(entry);
        all.forEach(c -> c.onLog(args, state, control, logs));
    }

    // ------------------------------------------------------------------ checkpoints

    private void saveCheckpoint(AdamW optimizer, LrSchedule schedule, int epoch, int stepInEpoch, boolean newBest, List<TrainerCallback> all) {
        Path target = Checkpoints.path(outputDir, state.globalStep);
        if (newBest) {
            state.bestModelCheckpoint = target.toString();
        }
        Checkpoints.write(outputDir, state.globalStep, dir -> {
            model.savePretrained(dir);
            if (!args.saveOnlyModel()) {
                optimizer.save(dir.resolve(Checkpoints.OPTIMIZER_FILE));
                if (scaler != null) {
                    scaler.save(dir.resolve(GradScaler.FILE));
                }
                Map<String, Object> sched = new LinkedHashMap<>();
                sched.put("last_epoch", schedule.lastStep());
                sched.put("base_lrs", List.of(schedule.baseLr()));
                sched.put("_last_lr", List.of(schedule.currentLr()));
                sched.put("lr_scheduler_type", schedule.type().name().toLowerCase());
                sched.put("num_warmup_steps", schedule.warmupSteps());
                sched.put("num_training_steps", schedule.totalSteps());
                Checkpoints.writeJson(dir.resolve(Checkpoints.SCHEDULER_FILE), sched);
                Checkpoints.writeJson(dir.resolve(Checkpoints.RNG_FILE),
                        new Checkpoints.RngState(args.seed(), args.dataSeed(), epoch, stepInEpoch, state.globalStep));
            }
            Checkpoints.writeJson(dir.resolve(Checkpoints.ARGS_FILE), args.toMap());
            state.save(dir.resolve(TrainerState.FILE));
        });
        all.forEach(c -> c.onSave(args, state, control, target));
        for (Path deleted : Checkpoints.rotate(outputDir, args.saveTotalLimit(), state.bestModelCheckpoint)) {
            LOG.info("deleted old checkpoint {} (save_total_limit={})", deleted, args.saveTotalLimit());
        }
    }

    private void restore(Path checkpoint, AdamW optimizer, LrSchedule schedule) {
        LOG.info("resuming from {}", checkpoint);
        model.loadCheckpoint(checkpoint);
        optimizer.load(checkpoint.resolve(Checkpoints.OPTIMIZER_FILE));
        if (scaler != null) {
            scaler.load(checkpoint.resolve(GradScaler.FILE));
        }
        Object last = Checkpoints.readMap(checkpoint.resolve(Checkpoints.SCHEDULER_FILE)).get("last_epoch");
        schedule.setLastStep(((Number) last).intValue());
        Checkpoints.RngState rng = Checkpoints.readJson(checkpoint.resolve(Checkpoints.RNG_FILE), Checkpoints.RngState.class);
        if (rng.dataSeed() != args.dataSeed()) {
            LOG.warn("{} was trained with data_seed {} but this run uses {}; the data order will differ", checkpoint, rng.dataSeed(), args.dataSeed());
        }
        state = TrainerState.load(checkpoint.resolve(TrainerState.FILE));
    }

    private Path resolveResume() {
        String r = args.resumeFromCheckpoint();
        if (r == null || r.equalsIgnoreCase("false")) {
            return null;
        }
        if (r.equalsIgnoreCase("true")) {
            Path latest = Checkpoints.latestCheckpoint(outputDir);
            if (latest == null) {
                throw new BadInputException("resume_from_checkpoint=true but " + outputDir + " holds no complete checkpoint-N folder; "
                        + "drop resume_from_checkpoint to start fresh");
            }
            return latest;
        }
        Path p = Path.of(r);
        if (!Files.isRegularFile(p.resolve(TrainerState.FILE))) {
            throw new BadInputException("resume_from_checkpoint " + p + " is not a checkpoint folder (no " + TrainerState.FILE + ")");
        }
        return p;
    }

    private void checkOutputDir(Path resumeFrom) {
        if (resumeFrom != null || args.overwriteOutputDir() || !Files.isDirectory(outputDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(outputDir)) {
            if (s.findAny().isPresent()) {
                throw new BadInputException("output_dir " + outputDir + " already exists and is not empty; set overwrite_output_dir, "
                        + "resume_from_checkpoint=true, or choose another output_dir");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the model (config.json + model.safetensors) and training_args.json into a folder. */
    public void saveModel(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        model.savePretrained(dir);
        Checkpoints.writeJson(dir.resolve(Checkpoints.ARGS_FILE), args.toMap());
    }

    // ------------------------------------------------------------------ evaluation and prediction

    /** Evaluates on the eval columns: eval_loss, the compute_metrics values, eval_runtime, … */
    public Map<String, Double> evaluate() {
        if (evalColumns == null) {
            throw new BadInputException("no evaluation data: pass evalColumns to Trainer.builder()");
        }
        evalColumns.checkLabels(model.numLabels());
        Map<String, Double> metrics = evaluate(evalColumns, "eval");
        Map<String, Object> entry = new LinkedHashMap<>(metrics);
        entry.put("step", state.globalStep);
        state.logHistory.add(entry); // as HF's evaluate() logs its metrics
        return metrics;
    }

    /** Logits for every row, plus test_* metrics when the columns have labels. */
    public PredictionOutput predict(EncodedColumns columns) {
        Loop r = loop(columns);
        Map<String, Double> metrics = columns.labels() != null ? metrics(r, columns, "test") : Map.of();
        return new PredictionOutput(r.logits, columns.labels() == null ? null : columns.labels().values().clone(), metrics);
    }

    private Map<String, Double> evaluate(EncodedColumns columns, String prefix) {
        Loop r = loop(columns);
        Map<String, Double> m = metrics(r, columns, prefix);
        m.put("epoch", state.epoch);
        return m;
    }

    private Map<String, Double> metrics(Loop r, EncodedColumns columns, String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "_loss", r.loss);
        if (computeMetrics != null) {
            computeMetrics.compute(new EvalPrediction(r.logits, columns.labels().values()))
                    .forEach((k, v) -> m.put(prefix + "_" + k, v));
        }
        m.put(prefix + "_runtime", round(r.seconds, 4));
        m.put(prefix + "_samples_per_second", round(columns.size() / Math.max(r.seconds, 1e-9), 3));
        m.put(prefix + "_steps_per_second", round(r.batches / Math.max(r.seconds, 1e-9), 3));
        return m;
    }

    private record Loop(float[][] logits, double loss, double seconds, int batches) {}

    /** Runs the model over all rows in order (no dropout, no gradients); mean per-row loss when labelled. */
    private Loop loop(EncodedColumns columns) {
        long start = System.nanoTime();
        int n = columns.size();
        int bs = args.perDeviceEvalBatchSize();
        float[][] logits = new float[n][];
        double lossSum = 0;
        int batches = 0;
        for (int from = 0; from < n; from += bs) {
            int[] rows = new int[Math.min(bs, n - from)];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = from + i;
            }
            try (NDManager step = model.manager().newSubManager(); Autocast ignored = Autocast.enable(computeType())) {
                DataCollatorWithPadding.Batch batch = collator.collate(columns, rows, step);
                NDArray out = model.logits(batch.inputIds(), batch.tokenTypeIds(), batch.attentionMask(), false);
                float[] flat = out.toFloatArray();
                int k = (int) out.getShape().get(1);
                for (int i = 0; i < rows.length; i++) {
                    logits[from + i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
                }
                if (batch.labels() != null) {
                    lossSum += Losses.crossEntropy(out, batch.labels(), args.labelSmoothingFactor()).sum().getFloat();
                }
            }
            batches++;
        }
        return new Loop(logits, n == 0 ? 0 : lossSum / n, (System.nanoTime() - start) / 1e9, batches);
    }

    // ------------------------------------------------------------------ helpers

    private Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getValue().requiresGradient()) {
                NDArray a = e.getValue().getArray();
                if (!a.hasGradient()) {
                    a.setRequiresGradient(true);
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException("the model has no trainable parameters (all are frozen)");
        }
        return out;
    }

    /** Parameters other than embedding tables (HF's num_parameters(exclude_embeddings=True)). */
    /** Sizes of the parameters that are not embedding tables (lookups, not matmuls), by name. */
    private static Map<String, Long> nonEmbeddingSizes(Map<String, Parameter> params) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            boolean embeddingTable = name.contains("embed") && name.endsWith("weight") && !name.contains("LayerNorm");
            if (!embeddingTable) {
                out.put(name, e.getValue().getArray().getShape().size());
            }
        }
        return out;
    }

    private static long count(Map<String, Parameter> params) {
        long n = 0;
        for (Parameter p : params.values()) {
            Shape s = p.getArray().getShape();
            n += s.size();
        }
        return n;
    }

    private static int[] lengths(EncodedColumns c) {
        int[] out = new int[c.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.length(i);
        }
        return out;
    }

    private List<TrainerCallback> withReporting() {
        List<TrainerCallback> all = new ArrayList<>();
        if (!args.disableTqdm() && callbacks.stream().noneMatch(c -> c instanceof ProgressCallback)) {
            all.add(new ProgressCallback());
        }
        Path logDir = Path.of(args.loggingDir());
        if (args.reportsTo("tensorboard") && callbacks.stream().noneMatch(c -> c instanceof TensorBoardLogger)) {
            all.add(new TensorBoardLogger(logDir));
        }
        if (args.reportsTo("jsonl") && callbacks.stream().noneMatch(c -> c instanceof JsonlLogger)) {
            all.add(new JsonlLogger(logDir));
        }
        all.addAll(callbacks);
        return all;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Builder with HF's Trainer(...) arguments. */
    public static final class Builder {
        private SequenceClassifier model;
        private TrainingArguments args;
        private EncodedColumns trainColumns;
        private EncodedColumns evalColumns;
        private ComputeMetrics computeMetrics;
        private DataCollatorWithPadding dataCollator;
        private final List<TrainerCallback> callbacks = new ArrayList<>();
        private Double peakFlops;
        private GradScaler gradScaler;

        public Builder model(SequenceClassifier v) { this.model = v; return this; }
        public Builder args(TrainingArguments v) { this.args = v; return this; }
        public Builder trainColumns(EncodedColumns v) { this.trainColumns = v; return this; }
        public Builder evalColumns(EncodedColumns v) { this.evalColumns = v; return this; }
        public Builder computeMetrics(ComputeMetrics v) { this.computeMetrics = v; return this; }
        public Builder dataCollator(DataCollatorWithPadding v) { this.dataCollator = v; return this; }
        public Builder callback(TrainerCallback v) { this.callbacks.add(v); return this; }
        public Builder callbacks(List<? extends TrainerCallback> v) { this.callbacks.addAll(v); return this; }
        /** Peak FLOP/s of the device for the MFU figure (default: a quick matmul measurement). */
        public Builder peakFlops(double v) { this.peakFlops = v; return this; }
        /** fp16 only: a scaler with another initial scale (tests force overflows with a huge one). */
        Builder gradScaler(GradScaler v) { this.gradScaler = v; return this; }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
