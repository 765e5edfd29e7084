package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.metrics.ComputeMetrics;
import io.finetune4j.metrics.EvalPrediction;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.torch.Autocast;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import io.finetune4j.tokenize.AutoTokenizer;
import io.finetune4j.train.TrainingArguments.IntervalStrategy;
import io.finetune4j.train.TrainingArguments.SaveStrategy;
import io.finetune4j.train.distributed.BatchShards;
import io.finetune4j.train.distributed.Distributed;
import io.finetune4j.train.distributed.DistributedDataParallel;
import io.finetune4j.train.distributed.DistributedEnv;
import io.finetune4j.torch.DistributedException;
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
 * HF's Trainer for sequence classification: the optimizer optim names (AdamW by default) + LR schedule over the model's trainable
 * parameters, gradient accumulation and clipping, logging, evaluation, checkpoints, best model
 * and exact resume. {@link #train()} reads top to bottom like nanoGPT's train.py.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private SequenceClassifier model;
    private final java.util.function.Supplier<? extends SequenceClassifier> modelInit;
    private final ComputeLossFunc computeLossFunc;
    private final PreprocessLogitsForMetrics preprocessLogitsForMetrics;
    private final Optimizer givenOptimizer;
    private final LrSchedule givenSchedule;
    private final java.util.function.Function<Map<String, Parameter>, Optimizer> optimizerClsAndKwargs;
    private boolean inTrain;
    private final TrainingArguments args;
    private final EncodedColumns trainColumns;
    private final EncodedColumns evalColumns;
    private final ComputeMetrics computeMetrics;
    private final DataCollatorWithPadding collator;
    private final List<TrainerCallback> callbacks;
    private final Double peakFlops;
    private final AutoTokenizer tokenizer;
    private final io.finetune4j.io.Cache cache;
    private final Path outputDir;
    private TrainerState state = new TrainerState();
    private final GradScaler initialScaler;
    private GradScaler scaler; // fp16 only
    private final TrainerControl control = new TrainerControl();
    /** cache_frozen_features while training: the train and eval rows' features (null: off). */
    private FrozenFeatures trainFeatures;
    private FrozenFeatures evalFeatures;
    /** torchrun's environment: one process, or rank r of several (data-parallel, {@link DistributedDataParallel}). */
    private final DistributedEnv env;
    private DistributedDataParallel ddp; // while train() runs with several ranks

    private Trainer(Builder b) {
        if ((b.model == null && b.modelInit == null) || b.args == null) {
            throw new IllegalArgumentException("Trainer needs a model (or model_init) and TrainingArguments");
        }
        if (b.optimizer != null && b.optimizerClsAndKwargs != null) {
            throw new IllegalArgumentException("pass either optimizers or optimizer_cls_and_kwargs, not both (as HF's Trainer)");
        }
        this.modelInit = b.modelInit;
        this.model = b.model != null ? b.model : b.modelInit.get();
        this.computeLossFunc = b.computeLossFunc;
        this.preprocessLogitsForMetrics = b.preprocessLogitsForMetrics;
        this.givenOptimizer = b.optimizer;
        this.givenSchedule = b.lrScheduler;
        this.optimizerClsAndKwargs = b.optimizerClsAndKwargs;
        this.args = b.args.validate();
        this.trainColumns = b.trainColumns;
        this.evalColumns = b.evalColumns;
        this.computeMetrics = b.computeMetrics;
        this.collator = b.dataCollator != null ? b.dataCollator : DataCollatorWithPadding.longest();
        this.callbacks = new ArrayList<>(b.callbacks);
        this.peakFlops = b.peakFlops;
        this.tokenizer = b.tokenizer;
        this.cache = b.cache != null ? b.cache : io.finetune4j.io.Cache.standard();
        this.initialScaler = b.gradScaler;
        this.outputDir = Path.of(args.outputDir());
        this.env = b.distributedEnv != null ? b.distributedEnv : DistributedEnv.fromEnvironment();
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

    /** HF's trainer.model: the model being trained. */
    public SequenceClassifier model() {
        return model;
    }

    /** HF's trainer.model_wrapped: the outermost model; DDP here is not a wrapper (the Trainer all-reduces itself), so it is {@link #model()}. */
    public SequenceClassifier modelWrapped() {
        return model;
    }

    /** HF's trainer.is_model_parallel: always false, the whole model is on one device. */
    public boolean isModelParallel() {
        return false;
    }

    /** HF's trainer.is_world_process_zero(): rank 0 of a multi-process run, or the only process (it writes the files). */
    public boolean isWorldProcessZero() {
        return env.isWorldProcessZero();
    }

    /** HF's trainer.is_in_train: true while {@link #train()} runs (an evaluate() from a callback sees true). */
    public boolean isInTrain() {
        return inTrain;
    }

    // ------------------------------------------------------------------ training

    /** The loop, nanoGPT style: plan, restore, then epoch → optimizer step → log / evaluate / save. */
    public TrainOutput train() {
        if (modelInit != null && state.globalStep > 0) {
            model = modelInit.get(); // HF: every train() call starts from a fresh model_init() model
        }
        Plan plan = plan();
        Path resumeFrom = resolveResume();
        checkOutputDir(resumeFrom);
        Distributed dist = joinProcessGroup(); // every rank has checked output_dir before rank 0 writes into it
        inTrain = true;
        try (Optimizer optimizer = optimizerFor(); // all parameters: callbacks may unfreeze more later
             BatchPrefetcher loader = new BatchPrefetcher(collator, trainColumns, args.dataloaderNumWorkers(), args.dataloaderPrefetchFactor())) {
            LrSchedule schedule = givenSchedule != null ? givenSchedule : LrSchedule.of(args, plan.maxSteps);
            scaler = !args.fp16() ? null : initialScaler != null ? initialScaler : new GradScaler();
            begin(plan, resumeFrom, optimizer, schedule);
            TrainingStep step = new TrainingStep(model, optimizer, schedule, scaler, args);
            step.lossFunc(computeLossFunc);
            if (dist != null) { // DDP: rank 0's weights everywhere, then gradients averaged every optimizer step
                ddp = new DistributedDataParallel(dist.group(), args.ddpBucketCapMb(), findUnusedParameters(),
                        !args.gradientCheckpointing());
                ddp.broadcastParameters(model.namedParameters());
                step.distributed(ddp, () -> new ArrayList<>(trainableParameters().values()));
            }
            Parameter neftune = inputEmbeddings();
            cacheFrozenFeatures(step);
            List<TrainerCallback> all = withReporting();
            FlopCount flops = new FlopCount(model.namedParameters());
            long start = System.nanoTime();
            LogWindow window = new LogWindow(mfuCeiling(), start);
            Run run = new Run(state.globalStep);

            optimizer.zeroGrad();
            all.forEach(c -> c.onTrainBegin(args, state, control));
            if (args.evalOnStart() && state.globalStep == 0 && evalColumns != null) {
                evaluateDuringTraining(all);
            }
            // ignore_data_skip: a resumed epoch starts again from its first batch instead of skipping the ones seen
            int skip = args.ignoreDataSkip() ? 0 : state.globalStep % plan.stepsPerEpoch;
            for (int epoch = state.globalStep / plan.stepsPerEpoch; epoch < plan.numEpochs && !done(plan); epoch++, skip = 0) {
                loader.startEpoch(plan.windows(epoch, skip));
                all.forEach(c -> c.onEpochBegin(args, state, control));
                checkFrozenFeatures(step);
                flops.trainable(trainableParameters().keySet(), trainFeatures); // callbacks may unfreeze
                for (int k = skip; k < plan.stepsPerEpoch && state.globalStep < plan.maxSteps; k++) {
                    TrainingStep.Result r;
                    try (io.finetune4j.nn.InputNoise.Handle noise = neftune != null ? io.finetune4j.nn.InputNoise.neftune(neftune, args.neftuneNoiseAlpha()) : null) {
                        r = step.run(loader.next(), state.globalStep);
                    }
                    checkFinite(r);
                    state.globalStep++;
                    state.epoch = epoch + (k + 1) / (double) plan.stepsPerEpoch;
                    state.numInputTokensSeen += r.tokens();
                    state.totalFlos += flops.perTokenHf() * r.positions();
                    // from cached [CLS] or pooled vectors the head runs once per row, not once per position
                    long ran = trainFeatures != null && trainFeatures.onePositionPerRow() ? r.rows() : r.positions();
                    window.add(r.loss(), r.rows(), flops.perTokenTrained() * ran);
                    run.add(r);
                    all.forEach(c -> c.onStepEnd(args, state, control));

                    boolean epochEnd = k == plan.stepsPerEpoch - 1 || state.globalStep >= plan.maxSteps;
                    if (shouldLog(epochEnd) || control.shouldLog) {
                        logTrainingWindow(all, window.close(System.nanoTime()), r.gradNorm(), schedule);
                    }
                    boolean newBest = (shouldEvaluate(epochEnd) || control.shouldEvaluate) && evaluateDuringTraining(all);
                    if (shouldSave(epochEnd, newBest) || control.shouldSave) {
                        saveCheckpoint(optimizer, schedule, newBest, all);
                    }
                    control.shouldEvaluate = control.shouldSave = false;
                    if (control.shouldTrainingStop || control.shouldEpochStop) {
                        break;
                    }
                }
                control.shouldEpochStop = false;
            }
            return finish(all, run, (System.nanoTime() - start) / 1e9);
        } catch (DistributedException e) {
            Path last = Checkpoints.latestCheckpoint(outputDir);
            throw new DistributedException(dist.lostPeer(e, "at step " + (state.globalStep + 1)) + (last != null
                    ? "; the last checkpoint is " + last + ": start every rank again with resume_from_checkpoint=true" : ""), e);
        } finally {
            if (ddp != null) {
                ddp.close();
                ddp = null;
            }
            trainFeatures = evalFeatures = null;
            inTrain = false;
        }
    }

    /**
     * The optimizer: the one given with optimizers(...) (kept open: the caller owns it), else from
     * optimizer_cls_and_kwargs, else the one the optim argument names.
     */
    private Optimizer optimizerFor() {
        if (givenOptimizer != null) {
            return new Optimizer() {
                @Override public void step(double lr) { givenOptimizer.step(lr); }
                @Override protected List<Parameter> live() { return givenOptimizer.live(); }
                @Override public List<String> parameterNames() { return givenOptimizer.parameterNames(); }
                @Override public long stepCount() { return givenOptimizer.stepCount(); }
                @Override public void save(Path file) { givenOptimizer.save(file); }
                @Override public void load(Path file) { givenOptimizer.load(file); }
                @Override public void close() {}
            };
        }
        Map<String, Parameter> params = model.namedParameters();
        return optimizerClsAndKwargs != null ? optimizerClsAndKwargs.apply(params) : Optimizer.create(params, args);
    }

    /** The default process group when torchrun's variables name several processes (joined once per process), else null. */
    private Distributed joinProcessGroup() {
        try {
            return Distributed.join(env, args.ddpBackend(), args.ddpTimeout(), TrainingStep.deviceOf(model));
        } catch (IllegalArgumentException | IllegalStateException e) { // ddp_backend and the device do not go together
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /**
     * ddp_find_unused_parameters as HF's Trainer reads it: the value given, else true unless gradient checkpointing
     * is on (HF: "find_unused_parameters breaks checkpointing").
     */
    private boolean findUnusedParameters() {
        Boolean given = args.ddpFindUnusedParameters();
        return given != null ? given : !args.gradientCheckpointing();
    }

    /** Whether this process writes the output_dir: rank 0, or each machine's local rank 0 with save_on_each_node. */
    private boolean writesFiles() {
        return env.isWorldProcessZero() || (args.saveOnEachNode() && env.isLocalProcessZero());
    }

    /**
     * MFU's denominator: the given peak, else the measured matmul ceiling of this device in the training dtype; with
     * several ranks the sum of theirs (the step's FLOPs are the sum over ranks).
     */
    private MfuCeiling mfuCeiling() {
        if (peakFlops != null) {
            return new MfuCeiling(peakFlops, "given");
        }
        MfuCeiling one = PeakFlops.ceiling(TrainingStep.deviceOf(model), mfuDtype());
        return env.worldSize() == 1 ? one : new MfuCeiling(one.peakFlops() * env.worldSize(), env.worldSize() + " ranks");
    }

    /**
     * cache_frozen_features: one eval-mode pass computes what enters the lowest trainable module for the
     * train and eval rows (FrozenFeatures); the steps and the evaluations during training then run only the
     * trainable top. Off, with a line saying why, when nothing below the trainable part is frozen.
     */
    private void cacheFrozenFeatures(TrainingStep step) {
        if (!args.cacheFrozenFeatures()) {
            return;
        }
        String why = FrozenFeatures.whyNot(model);
        if (why != null) {
            LOG.info("cache_frozen_features is off: {}", why);
            return;
        }
        int batch = args.perDeviceEvalBatchSize();
        trainFeatures = FrozenFeatures.prepare(model, trainColumns, cache, "train", collator, batch, !args.disableTqdm());
        if (evalColumns != null && args.evalStrategy() != IntervalStrategy.NO) {
            evalFeatures = FrozenFeatures.prepare(model, evalColumns, cache, "eval", collator, batch, !args.disableTqdm());
        }
        step.forward(trainFeatures.forward());
        LOG.info("cache_frozen_features: training from level {} of {} (the modules below it run once, above)", trainFeatures.level(),
                ((io.finetune4j.models.FrozenPrefix) model).numHiddenLayers());
    }

    /** A callback that unfroze a module below the cached level turns the cache off. */
    private void checkFrozenFeatures(TrainingStep step) {
        if (trainFeatures != null && ((io.finetune4j.models.FrozenPrefix) model).lowestTrainableLevel() < trainFeatures.level()) {
            LOG.warn("cache_frozen_features: a module below the cached level now trains; running the whole model from here on");
            trainFeatures = evalFeatures = null;
            step.forward(BatchForward.of(model));
        }
    }

    /**
     * How long: batches per epoch → optimizer steps per epoch → total steps. Each epoch's batch order is a
     * function of data_seed and the epoch, so a resumed run sees the same windows.
     */
    private record Plan(BatchOrder order, int batchSize, boolean dropLast, DistributedEnv env, int accumulation, int stepsPerEpoch,
            int maxSteps, int numEpochs) {
        /** This rank's batches of an epoch: all of them, or its shard (accelerate's BatchSamplerShard) of several ranks. */
        List<int[]> batches(int epoch) {
            List<int[]> all = order.batches(epoch);
            return env.isDistributed() ? BatchShards.shard(all, batchSize, dropLast, env.worldSize(), env.rank()) : all;
        }

        /** The micro-batch windows (one per optimizer step) of an epoch, from step {@code skip} on. */
        List<List<int[]>> windows(int epoch, int skip) {
            List<int[]> batches = batches(epoch);
            List<List<int[]>> out = new ArrayList<>();
            for (int k = skip; k < stepsPerEpoch; k++) {
                out.add(batches.subList(k * accumulation, Math.min(batches.size(), (k + 1) * accumulation)));
            }
            return out;
        }
    }

    private Plan plan() {
        if (trainColumns == null) {
            throw new BadInputException("no training data: pass trainColumns to Trainer.builder()");
        }
        trainColumns.checkLabels(model.numLabels());
        if (evalColumns != null && args.evalStrategy() != IntervalStrategy.NO) {
            evalColumns.checkLabels(model.numLabels());
        }
        trainableParameters(); // fails early when everything is frozen
        int batchSize = args.perDeviceTrainBatchSize();
        int accumulation = args.gradientAccumulationSteps();
        int[] lengths = args.groupByLength() ? trainColumns.groupingLengths() : null;
        BatchOrder order = new BatchOrder(trainColumns.size(), batchSize, args.dataSeed(), args.dataloaderDropLast(), lengths);
        if (order.batchesPerEpoch() == 0) {
            throw new BadInputException("the training set has " + trainColumns.size() + " rows, fewer than one batch of "
                    + batchSize + " with dataloader_drop_last; lower per_device_train_batch_size");
        }
        int batches = !env.isDistributed() ? order.batchesPerEpoch()
                : BatchShards.length(order.batchesPerEpoch(), args.dataloaderDropLast(), true, env.worldSize(), env.rank());
        if (batches == 0) {
            throw new BadInputException("the training set has " + trainColumns.size() + " rows, fewer than one batch of "
                    + batchSize + " for each of the " + env.worldSize() + " ranks with dataloader_drop_last; lower per_device_train_batch_size");
        }
        int stepsPerEpoch = (batches + accumulation - 1) / accumulation;
        int maxSteps = args.maxSteps() > 0 ? args.maxSteps() : (int) Math.ceil(args.numTrainEpochs() * stepsPerEpoch);
        return new Plan(order, batchSize, args.dataloaderDropLast(), env, accumulation, stepsPerEpoch, maxSteps,
                (maxSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }

    /** Fresh or restored state, with this run's plan. */
    private void begin(Plan plan, Path resumeFrom, Optimizer optimizer, LrSchedule schedule) {
        state = new TrainerState();
        if (resumeFrom != null) {
            restore(resumeFrom, optimizer, schedule);
        }
        state.maxSteps = plan.maxSteps;
        state.numTrainEpochs = plan.numEpochs;
        state.loggingSteps = args.loggingSteps();
        state.evalSteps = args.evalSteps();
        state.saveSteps = args.saveSteps();
        state.trainBatchSize = args.perDeviceTrainBatchSize(); // HF's train_batch_size: per device, not × world size
        control.shouldTrainingStop = false;
        if (args.fullDeterminism() && TrainingStep.deviceOf(model).isCuda()) {
            throw new BadInputException("full_determinism=true is not supported on a GPU: DJL 0.36 cannot switch on "
                    + "torch.use_deterministic_algorithms; train on the CPU (use_cpu=true), where runs are bit-for-bit repeatable");
        }
        if (args.autoFindBatchSize()) {
            LOG.warn("auto_find_batch_size has no effect here: the batch size stays {} (it reacts to CUDA out-of-memory errors, "
                    + "which finetune4j does not retry; lower per_device_train_batch_size if a GPU runs out)", args.perDeviceTrainBatchSize());
        }
        if (args.fp16() && !TrainingStep.deviceOf(model).isCuda()) {
            LOG.warn("fp16 on the CPU: libtorch has no fast CPU float16 matmul (0.91 GFLOP/s vs 169 in float32 on a 2-core EPYC); "
                    + "fp16 is meant for GPUs");
        }
        if (args.bf16() && !TrainingStep.deviceOf(model).isCuda() && !Torch.cpuHasNativeBf16()) {
            LOG.warn("bf16 on a CPU without native bf16 (no avx512_bf16 or AMX): bfloat16 matmuls are emulated and the step "
                    + "is slower than float32 here; bf16 pays off on GPUs and on CPUs with native bf16");
        }
        LOG.info("training {} rows, {} epochs, {} steps ({} per epoch), batch {} x {} accumulation{}, {} trainable parameters",
                trainColumns.size(), plan.numEpochs, plan.maxSteps, plan.stepsPerEpoch, args.perDeviceTrainBatchSize(),
                plan.accumulation, env.isDistributed() ? " x " + env.worldSize() + " ranks" : "", count(trainableParameters()));
    }

    private boolean done(Plan plan) {
        return state.globalStep >= plan.maxSteps || control.shouldTrainingStop;
    }

    /** A non-finite loss stops training before anything of this step is saved. */
    private void checkFinite(TrainingStep.Result r) {
        if (!r.lossFinite()) {
            Path last = Checkpoints.latestCheckpoint(outputDir);
            throw new TrainingDivergedException("the training loss became " + r.loss() + " at step " + (state.globalStep + 1)
                    + "; nothing was saved for this step" + (last != null ? ", the last good checkpoint is " + last : "")
                    + "; lower learning_rate or check the inputs", state.globalStep + 1);
        }
    }

    private void logTrainingWindow(List<TrainerCallback> all, LogWindow.Summary w, double gradNorm, LrSchedule schedule) {
        state.samplesPerSecond = w.samplesPerSecond();
        state.mfu = w.mfu();
        Map<String, Object> logs = new LinkedHashMap<>();
        logs.put("loss", round(w.loss(), 4));
        logs.put("grad_norm", gradNorm);
        logs.put("learning_rate", schedule.currentLr());
        logs.put("epoch", state.epoch);
        if (args.includeNumInputTokensSeen()) {
            logs.put("num_input_tokens_seen", state.numInputTokensSeen);
        }
        log(all, logs);
        LOG.info("step {}: loss {}, {} samples/s, MFU {}%", state.globalStep, logs.get("loss"),
                String.format("%.1f", state.samplesPerSecond), String.format("%.2f", 100 * state.mfu));
        control.shouldLog = false;
    }

    /** Totals of this run (since start or resume) for train_loss and train_samples_per_second. */
    private static final class Run {
        final int startStep;
        double lossSum;
        long rows;

        Run(int startStep) {
            this.startStep = startStep;
        }

        long positions;
        double stepSeconds;
        double allReduceSeconds;

        void add(TrainingStep.Result r) {
            lossSum += r.loss();
            rows += r.rows();
            positions += r.positions();
            stepSeconds += r.seconds();
            allReduceSeconds += r.allReduceSeconds();
        }
    }

    /** The end: best model, final model, HF's train metrics. */
    private TrainOutput finish(List<TrainerCallback> all, Run run, double runtime) {
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint != null && Files.isDirectory(Path.of(state.bestModelCheckpoint))) {
            LOG.info("loading the best model from {} ({} = {})", state.bestModelCheckpoint, args.metricForBestModel(), state.bestMetric);
            model.loadCheckpoint(Path.of(state.bestModelCheckpoint));
        }
        int stepsRun = state.globalStep - run.startStep;
        double trainLoss = stepsRun > 0 ? run.lossSum / stepsRun : 0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_runtime", round(runtime, 4));
        metrics.put("train_samples_per_second", round(run.rows / Math.max(runtime, 1e-9), 3));
        metrics.put("train_steps_per_second", round(stepsRun / Math.max(runtime, 1e-9), 3));
        if (args.includeTokensPerSecond()) { // HF counts the input_ids of the batches, padding included
            metrics.put("train_tokens_per_second", round(run.positions / Math.max(runtime, 1e-9), 3));
        }
        metrics.put("total_flos", state.totalFlos);
        metrics.put("train_loss", trainLoss);
        metrics.put("epoch", state.epoch);
        log(all, new LinkedHashMap<>(metrics));
        if (env.isDistributed()) {
            LOG.info("data-parallel over {} ranks: {}; the all-reduce after the backward took {} s of the steps' {} s ({}%)",
                    env.worldSize(), args.gradientCheckpointing() ? "gradients all-reduced after the backward (gradient checkpointing)"
                            : "gradients all-reduced during the backward (libtorch's DDP Reducer)",
                    String.format("%.2f", run.allReduceSeconds), String.format("%.2f", run.stepSeconds),
                    String.format("%.1f", 100 * run.allReduceSeconds / Math.max(run.stepSeconds, 1e-9)));
        }
        if (writesFiles()) {
            saveModel(outputDir);
            state.save(outputDir.resolve(TrainerState.FILE));
        }
        all.forEach(c -> c.onTrainEnd(args, state, control));
        return new TrainOutput(state.globalStep, trainLoss, metrics);
    }

    /**
     * FLOPs per input position. HF's total_flos: 6 × non-embedding parameters. MFU counts the matmul work
     * the step really does: frozen layers below the lowest trainable one need no backward at all, frozen
     * weights no weight gradient ({@link Flops#trainPerToken}).
     */
    private static final class FlopCount {
        private final Map<String, Long> sizes;
        private final double hf;
        private double trained;

        FlopCount(Map<String, Parameter> params) {
            sizes = nonEmbeddingSizes(params);
            hf = 6.0 * sizes.values().stream().mapToLong(Long::longValue).sum();
        }

        void trainable(java.util.Set<String> names, FrozenFeatures cached) {
            Map<String, Long> run = sizes;
            if (cached != null) { // the modules below the cached level do not run at all
                run = new LinkedHashMap<>();
                for (Map.Entry<String, Long> e : sizes.entrySet()) {
                    if (!cached.isBelow(e.getKey())) {
                        run.put(e.getKey(), e.getValue());
                    }
                }
            }
            trained = Flops.trainPerToken(run, names);
        }

        double perTokenHf() {
            return hf;
        }

        double perTokenTrained() {
            return trained;
        }
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

    private void saveCheckpoint(Optimizer optimizer, LrSchedule schedule, boolean newBest, List<TrainerCallback> all) {
        Path target = Checkpoints.path(outputDir, state.globalStep);
        if (newBest) {
            state.bestModelCheckpoint = target.toString();
        }
        if (writesFiles()) {
            writeCheckpoint(optimizer, schedule);
            for (Path deleted : Checkpoints.rotate(outputDir, args.saveTotalLimit(), state.bestModelCheckpoint)) {
                LOG.info("deleted old checkpoint {} (save_total_limit={})", deleted, args.saveTotalLimit());
            }
        }
        Distributed dist = joinProcessGroup();
        if (dist != null) {
            dist.group().barrier(); // no rank goes on (or loads it as the best model) before the checkpoint is complete
        }
        all.forEach(c -> c.onSave(args, state, control, target));
    }

    /**
     * One checkpoint-N folder, written whole or not at all (Checkpoints.write renames a finished temporary folder).
     * RNG state: rng_state.pth, or with several ranks HF's rng_state_{rank}.pth for each (every rank's generator is
     * reseeded from (seed, step), so one process can write them all).
     */
    private void writeCheckpoint(Optimizer optimizer, LrSchedule schedule) {
        Checkpoints.write(outputDir, state.globalStep, dir -> {
            model.savePretrained(dir, args.saveSafetensors());
            if (tokenizer != null) {
                tokenizer.savePretrained(dir);
            }
            if (!args.saveOnlyModel()) {
                if (optimizer instanceof AdamW adamw) { // HF's optimizer.pt, torch's AdamW state_dict
                    adamw.saveStateDict(dir.resolve(Checkpoints.OPTIMIZER_FILE), schedule.currentLr(), schedule.baseLr());
                } else { // sgd, adafactor: finetune4j's own state file (no torch layout written for them yet)
                    optimizer.save(dir.resolve(Checkpoints.LEGACY_OPTIMIZER_FILE));
                }
                schedule.saveStateDict(dir.resolve(Checkpoints.SCHEDULER_FILE), 2);
                for (int r = 0; r < env.worldSize(); r++) {
                    RngState.save(dir.resolve(env.isDistributed() ? "rng_state_" + r + ".pth" : Checkpoints.RNG_FILE), args.seed());
                }
                if (scaler != null) {
                    scaler.save(dir.resolve(GradScaler.FILE));
                }
            }
            Checkpoints.writeJson(dir.resolve(Checkpoints.ARGS_FILE), args.toMap());
            state.statefulCallbacks.put("TrainerControl", control.state(true));
            state.save(dir.resolve(TrainerState.FILE));
        });
    }

    /**
     * HF's _load_from_checkpoint + _load_optimizer_and_scheduler: weights, optimizer.pt, scheduler.pt and trainer_state.json
     * (HF's files or finetune4j's older optimizer.safetensors / scheduler.json). rng_state.pth is not read: every step
     * reseeds from (seed, step), see {@link RngState}. A checkpoint of another model or batch size stops here, before training.
     */
    private void restore(Path checkpoint, Optimizer optimizer, LrSchedule schedule) {
        LOG.info("resuming from {}", checkpoint);
        TrainerState saved = TrainerState.load(checkpoint.resolve(TrainerState.FILE));
        ResumeCheck.check(checkpoint, saved, model, args);
        model.loadCheckpoint(checkpoint);
        Path legacyOptimizer = checkpoint.resolve(Checkpoints.LEGACY_OPTIMIZER_FILE);
        if (!Files.exists(checkpoint.resolve(Checkpoints.OPTIMIZER_FILE)) && Files.isRegularFile(legacyOptimizer)) {
            optimizer.load(legacyOptimizer);
        } else if (optimizer instanceof AdamW adamw) {
            adamw.loadStateDict(checkpoint.resolve(Checkpoints.OPTIMIZER_FILE));
        } else {
            throw new BadInputException(checkpoint.resolve(Checkpoints.OPTIMIZER_FILE) + " was saved by optim adamw_torch but this run uses "
                    + args.optim() + "; resume with optim adamw_torch, or start a new run");
        }
        if (scaler != null) {
            scaler.load(checkpoint.resolve(GradScaler.FILE));
        }
        Path legacyScheduler = checkpoint.resolve(Checkpoints.LEGACY_SCHEDULER_FILE);
        if (!Files.exists(checkpoint.resolve(Checkpoints.SCHEDULER_FILE)) && Files.isRegularFile(legacyScheduler)) {
            Object last = Checkpoints.readMap(legacyScheduler).get("last_epoch");
            if (!(last instanceof Number n)) {
                throw new BadInputException(legacyScheduler + " has no numeric last_epoch");
            }
            schedule.setLastStep(n.intValue());
        } else {
            schedule.setLastStep(LrSchedule.readLastStep(checkpoint.resolve(Checkpoints.SCHEDULER_FILE)));
        }
        state = saved;
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

    /** Writes the model (config.json + model.safetensors, or pytorch_model.bin with save_safetensors false) and training_args.json into a folder. */
    public void saveModel(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        model.savePretrained(dir, args.saveSafetensors());
        if (tokenizer != null) {
            tokenizer.savePretrained(dir); // HF saves the processing_class with the model
        }
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
        int[] ids = columns.labelIds();
        return new PredictionOutput(r.logits, ids == null ? null : ids.clone(), metrics, columns.labelValues());
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
        if (computeMetrics != null && !args.predictionLossOnly()) {
            Map<String, Double> values = args.batchEvalMetrics() ? perBatchMetrics(r, columns)
                    : computeMetrics.compute(prediction(r.logits, columns, 0, r.logits.length));
            values.forEach((k, v) -> m.put(prefix + "_" + k, v));
        }
        m.put(prefix + "_runtime", round(r.seconds, 4));
        m.put(prefix + "_samples_per_second", round(columns.size() / Math.max(r.seconds, 1e-9), 3));
        m.put(prefix + "_steps_per_second", round(r.batches / Math.max(r.seconds, 1e-9), 3));
        return m;
    }

    private static EvalPrediction prediction(float[][] logits, EncodedColumns columns, int from, int to) {
        float[][] rows = from == 0 && to == logits.length ? logits : java.util.Arrays.copyOfRange(logits, from, to);
        if (columns.classIds()) {
            int[] ids = columns.labelIds();
            return new EvalPrediction(rows, from == 0 && to == ids.length ? ids : java.util.Arrays.copyOfRange(ids, from, to));
        }
        float[][] values = columns.labelValues();
        return EvalPrediction.ofValues(rows, from == 0 && to == values.length ? values : java.util.Arrays.copyOfRange(values, from, to));
    }

    /** batch_eval_metrics: compute_metrics once per evaluation batch, the last call (compute_result) giving the metrics. */
    private Map<String, Double> perBatchMetrics(Loop r, EncodedColumns columns) {
        if (!(computeMetrics instanceof io.finetune4j.metrics.BatchComputeMetrics batched)) {
            throw new BadInputException("batch_eval_metrics=true needs a compute_metrics that keeps running totals "
                    + "(io.finetune4j.metrics.BatchComputeMetrics, as HF's compute_result argument); the built-in metrics are computed "
                    + "once on all logits, so leave batch_eval_metrics false");
        }
        int bs = args.perDeviceEvalBatchSize();
        Map<String, Double> last = Map.of();
        for (int from = 0; from < r.logits.length; from += bs) {
            int to = Math.min(r.logits.length, from + bs);
            last = batched.compute(prediction(r.logits, columns, from, to), to == r.logits.length);
        }
        return last;
    }

    private record Loop(float[][] logits, double loss, double seconds, int batches) {}

    /**
     * Runs the model over all rows in order (no dropout, no gradients); mean per-row loss when labelled. With several
     * ranks, rank r runs the batches r, r + W, r + 2W, … of the same sequential batching (the batches accelerate's
     * BatchSamplerShard gives it, without the padding rows of the last round, which gather_for_metrics would drop), and
     * every round's batches are all-gathered back in order: each rank ends with the logits and loss one process would
     * have, bit for bit, because every row runs in the same batch as there.
     */
    private Loop loop(EncodedColumns columns) {
        long start = System.nanoTime();
        int n = columns.size();
        int bs = args.perDeviceEvalBatchSize();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        List<int[]> batches = BatchShards.batches(order, bs, false);
        Distributed dist = env.isDistributed() ? joinProcessGroup() : null;
        int world = dist == null ? 1 : dist.worldSize();
        int rank = dist == null ? 0 : dist.rank();
        float[][] logits = new float[n][];
        double lossSum = 0;
        int ran = 0;
        for (int round = 0; round * world < batches.size(); round++) {
            int mine = round * world + rank;
            EvalBatch out = mine < batches.size() ? evaluateBatch(columns, batches.get(mine)) : EvalBatch.NONE;
            ran += mine < batches.size() ? 1 : 0;
            List<EvalBatch> all = dist == null ? List.of(out) : gather(dist, out, bs);
            for (int r = 0; r < all.size() && round * world + r < batches.size(); r++) {
                int[] rows = batches.get(round * world + r);
                EvalBatch b = all.get(r);
                for (int i = 0; i < rows.length; i++) {
                    logits[rows[i]] = b.logits()[i];
                }
                lossSum += b.loss() * rows.length;
            }
        }
        return new Loop(logits, n == 0 || Double.isNaN(lossSum) ? 0 : lossSum / n, (System.nanoTime() - start) / 1e9, ran);
    }

    /** One evaluated batch: each row's logits (after preprocess_logits_for_metrics) and the batch's mean loss (NaN unlabelled). */
    private record EvalBatch(float[][] logits, double loss) {
        static final EvalBatch NONE = new EvalBatch(new float[0][], Double.NaN);
    }

    private EvalBatch evaluateBatch(EncodedColumns columns, int[] rows) {
        Device device = TrainingStep.deviceOf(model);
        try (Scope step = Scope.open();
             Autograd noGrad = Autograd.noGrad();
             Autocast autocast = TrainingStep.autocast(device, evalComputeType())) {
            DataCollatorWithPadding.Batch batch = collator.collate(columns, rows, device);
            Tensor out = forwardFor(columns).logits(batch, false);
            Tensor kept = preprocessLogitsForMetrics != null ? preprocessLogitsForMetrics.apply(out, batch.labels()) : out;
            float[] flat = kept.toFloatArray();
            int k = flat.length / rows.length;
            float[][] logits = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                logits[i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
            }
            double loss = Double.NaN;
            if (batch.labels() != null) {
                Tensor l = computeLossFunc != null ? computeLossFunc.compute(out, batch.labels(), rows.length)
                        : TrainingStep.loss(model, (b, t) -> out, batch, args.labelSmoothingFactor(), false);
                loss = (float) l.item();
            }
            return new EvalBatch(logits, loss);
        }
    }

    /**
     * One round of the sharded evaluation: every rank's batch to every rank, in rank order (one all_gather of a float64
     * buffer [rows, loss, width, logits…] padded to a full batch; a rank past the last batch sends 0 rows).
     */
    private static List<EvalBatch> gather(Distributed dist, EvalBatch mine, int bs) {
        int width = 0;
        for (float[] row : mine.logits()) {
            width = row.length;
        }
        double[] widths;
        try (Scope scope = Scope.open()) { // the width of a row (the ranks past the end know none)
            widths = dist.group().allGather(Tensor.of(new double[] {width}, 1)).toDoubleArray();
        }
        for (double w : widths) {
            width = Math.max(width, (int) w);
        }
        double[] buffer = new double[2 + bs * width];
        buffer[0] = mine.logits().length;
        buffer[1] = mine.loss();
        for (int i = 0; i < mine.logits().length; i++) {
            for (int j = 0; j < width; j++) {
                buffer[2 + i * width + j] = mine.logits()[i][j];
            }
        }
        double[] gathered;
        try (Scope scope = Scope.open()) {
            gathered = dist.group().allGather(Tensor.of(buffer, buffer.length)).toDoubleArray();
        }
        List<EvalBatch> out = new ArrayList<>();
        for (int r = 0; r < dist.worldSize(); r++) {
            int base = r * buffer.length;
            float[][] logits = new float[(int) gathered[base]][width];
            for (int i = 0; i < logits.length; i++) {
                for (int j = 0; j < width; j++) {
                    logits[i][j] = (float) gathered[base + 2 + i * width + j];
                }
            }
            out.add(new EvalBatch(logits, gathered[base + 1]));
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * neftune_noise_alpha: the input (word) embedding table that gets NEFTune noise in training steps, as HF's
     * hook on get_input_embeddings(); null when the argument is unset.
     */
    private Parameter inputEmbeddings() {
        if (args.neftuneNoiseAlpha() == null) {
            return null;
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getKey().endsWith("embeddings.word_embeddings.weight") || e.getKey().endsWith("embeddings.tok_embeddings.weight")) {
                return e.getValue();
            }
        }
        throw new BadInputException("neftune_noise_alpha needs the model's input embeddings (a word_embeddings table), which "
                + model.getClass().getSimpleName() + " does not have; leave neftune_noise_alpha unset");
    }

    /**
     * The autocast dtype of evaluation and prediction: bf16_full_eval bfloat16, fp16_full_eval float16, else as training
     * does (HF's Trainer evaluates under the same autocast as it trains when bf16 or fp16 is on: accelerate wraps the
     * model's forward, and prediction_step runs in compute_loss_context_manager).
     */
    /** The dtype of the training matmuls, whose ceiling MFU divides by: the autocast dtype, else float32. */
    private DType mfuDtype() {
        DType t = TrainingStep.computeType(args);
        return t == null ? DType.FLOAT32 : t;
    }

    private DType evalComputeType() {
        return args.bf16FullEval() ? DType.BFLOAT16 : args.fp16FullEval() ? DType.FLOAT16 : TrainingStep.computeType(args);
    }

    /** The cached top for the eval rows during training with cache_frozen_features, else the whole model. */
    private BatchForward forwardFor(EncodedColumns columns) {
        return evalFeatures != null && columns == evalColumns ? evalFeatures.forward() : BatchForward.of(model);
    }

    private Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getValue().requiresGrad()) {
                Tensor a = e.getValue().data();
                if (!a.requiresGrad()) {
                    a.requiresGrad_(true);
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
                out.put(name, e.getValue().data().numel());
            }
        }
        return out;
    }

    private static long count(Map<String, Parameter> params) {
        long n = 0;
        for (Parameter p : params.values()) {
            n += p.data().numel();
        }
        return n;
    }

    /** The built-in reporting (progress bar, TensorBoard, jsonl) runs on rank 0 only; the callbacks given run on every rank. */
    private List<TrainerCallback> withReporting() {
        List<TrainerCallback> all = new ArrayList<>();
        if (!env.isWorldProcessZero()) {
            all.addAll(callbacks);
            return all;
        }
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
        private java.util.function.Supplier<? extends SequenceClassifier> modelInit;
        private ComputeLossFunc computeLossFunc;
        private PreprocessLogitsForMetrics preprocessLogitsForMetrics;
        private Optimizer optimizer;
        private LrSchedule lrScheduler;
        private java.util.function.Function<Map<String, Parameter>, Optimizer> optimizerClsAndKwargs;
        private TrainingArguments args;
        private EncodedColumns trainColumns;
        private EncodedColumns evalColumns;
        private ComputeMetrics computeMetrics;
        private DataCollatorWithPadding dataCollator;
        private final List<TrainerCallback> callbacks = new ArrayList<>();
        private Double peakFlops;
        private GradScaler gradScaler;
        private AutoTokenizer tokenizer;
        private io.finetune4j.io.Cache cache;
        private DistributedEnv distributedEnv;

        /** Which rank of how many this process is (default: torchrun's variables, {@link DistributedEnv#fromEnvironment()}). */
        public Builder distributed(DistributedEnv v) { this.distributedEnv = v; return this; }

        public Builder model(SequenceClassifier v) { this.model = v; return this; }
        public Builder args(TrainingArguments v) { this.args = v; return this; }
        public Builder trainColumns(EncodedColumns v) { this.trainColumns = v; return this; }
        public Builder evalColumns(EncodedColumns v) { this.evalColumns = v; return this; }
        public Builder computeMetrics(ComputeMetrics v) { this.computeMetrics = v; return this; }
        public Builder dataCollator(DataCollatorWithPadding v) { this.dataCollator = v; return this; }
        public Builder callback(TrainerCallback v) { this.callbacks.add(v); return this; }
        public Builder callbacks(List<? extends TrainerCallback> v) { this.callbacks.addAll(v); return this; }
        /**
         * HF's processing_class: saved with the model and every checkpoint (tokenizer_config.json then carries the
         * truncation_side and model_max_length it was trained with; set them on the tokenizer first).
         */
        public Builder tokenizer(AutoTokenizer v) { this.tokenizer = v; return this; }
        /** HF's name for {@link #tokenizer}. */
        public Builder processingClass(AutoTokenizer v) { return tokenizer(v); }
        /** HF's train_dataset: the tokenized training rows. */
        public Builder trainDataset(EncodedColumns v) { return trainColumns(v); }
        /** HF's eval_dataset: the tokenized evaluation rows. */
        public Builder evalDataset(EncodedColumns v) { return evalColumns(v); }
        /** HF's model_init: makes the model; each train() after the first starts from a new one. Instead of model(...). */
        public Builder modelInit(java.util.function.Supplier<? extends SequenceClassifier> v) { this.modelInit = v; return this; }
        /** HF's compute_loss_func: the loss from logits and labels instead of the model's. */
        public Builder computeLossFunc(ComputeLossFunc v) { this.computeLossFunc = v; return this; }
        /** HF's preprocess_logits_for_metrics: transforms each evaluation batch's logits before compute_metrics sees them. */
        public Builder preprocessLogitsForMetrics(PreprocessLogitsForMetrics v) { this.preprocessLogitsForMetrics = v; return this; }
        /**
         * HF's optimizers=(optimizer, lr_scheduler): use these instead of the ones the arguments describe
         * (either may be null). The caller owns and closes the optimizer.
         */
        public Builder optimizers(Optimizer optimizer, LrSchedule lrScheduler) {
            this.optimizer = optimizer;
            this.lrScheduler = lrScheduler;
            return this;
        }
        /** HF's optimizer_cls_and_kwargs: a factory from the named parameters to the optimizer (overrides optim and optim_args). */
        public Builder optimizerClsAndKwargs(java.util.function.Function<Map<String, Parameter>, Optimizer> v) {
            this.optimizerClsAndKwargs = v;
            return this;
        }
        /** Where cache_frozen_features keeps its files (default: the standard cache folder). */
        public Builder cache(io.finetune4j.io.Cache v) { this.cache = v; return this; }
        /** Peak FLOP/s of the device for the MFU figure (default: a quick matmul measurement). */
        public Builder peakFlops(double v) { this.peakFlops = v; return this; }
        /** fp16 only: a scaler with another initial scale (tests force overflows with a huge one). */
        Builder gradScaler(GradScaler v) { this.gradScaler = v; return this; }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
