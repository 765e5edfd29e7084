package io.finetune4j.train;

import io.finetune4j.BadInputException;
import io.finetune4j.config.Arg;
import io.finetune4j.config.ArgumentBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code TrainingArguments}, same names and defaults. Each field's initial value is
 * its default; {@link io.finetune4j.config.ArgumentBinder} fills it from YAML/JSON and flags, and
 * docs/ARGUMENTS.md is generated from the {@link Arg} annotations. Java code uses the builder.
 */
public final class TrainingArguments {
    public enum IntervalStrategy { NO, STEPS, EPOCH }

    public enum SaveStrategy { NO, STEPS, EPOCH, BEST }

    public enum SchedulerType { LINEAR, COSINE, CONSTANT, CONSTANT_WITH_WARMUP }

    // --- where output goes
    @Arg(name = "output_dir", help = "Folder for checkpoints (checkpoint-N/) and the final model.")
    String outputDir = "trainer_output";
    @Arg(name = "overwrite_output_dir", help = "Allow writing into a non-empty output_dir.")
    boolean overwriteOutputDir = false;
    @Arg(name = "run_name", help = "A name for this run in logs and reports (defaults to output_dir).")
    String runName = null;

    // --- what to do
    @Arg(name = "do_train", help = "Run training (the train command always trains).")
    boolean doTrain = false;
    @Arg(name = "do_eval", help = "Run evaluation on the eval split after training.")
    boolean doEval = false;

    // --- evaluation
    @Arg(name = "eval_strategy", help = "When to evaluate during training.")
    IntervalStrategy evalStrategy = IntervalStrategy.NO;
    @Arg(name = "eval_steps", help = "Evaluate every N optimizer steps when eval_strategy is steps (defaults to logging_steps).")
    Integer evalSteps = null;
    @Arg(name = "eval_on_start", help = "Evaluate once before the first training step (a sanity check).")
    boolean evalOnStart = false;
    @Arg(name = "eval_delay", help = "Epochs or steps (per eval_strategy) to wait before the first evaluation.")
    double evalDelay = 0;

    // --- checkpoints
    @Arg(name = "save_strategy", help = "When to write a checkpoint; best saves only when metric_for_best_model improves.")
    SaveStrategy saveStrategy = SaveStrategy.STEPS;
    @Arg(name = "save_steps", help = "Save every N optimizer steps when save_strategy is steps.")
    int saveSteps = 500;
    @Arg(name = "save_total_limit", help = "Keep at most N checkpoints, deleting the oldest but never the best.")
    Integer saveTotalLimit = null;
    @Arg(name = "save_only_model", help = "Save only model weights, not optimizer, scheduler and RNG state (no exact resume).")
    boolean saveOnlyModel = false;
    @Arg(name = "load_best_model_at_end", help = "Restore the best checkpoint (by metric_for_best_model) when training ends.")
    boolean loadBestModelAtEnd = false;
    @Arg(name = "metric_for_best_model", help = "Metric that ranks checkpoints, e.g. accuracy or loss (defaults to loss).")
    String metricForBestModel = null;
    @Arg(name = "greater_is_better", help = "Whether a larger metric_for_best_model is better (defaults to true unless the metric is a loss).")
    Boolean greaterIsBetter = null;
    @Arg(name = "resume_from_checkpoint", help = "Checkpoint folder to resume from, or true for the latest in output_dir.")
    String resumeFromCheckpoint = null;

    // --- optimizer and schedule
    @Arg(name = "learning_rate", help = "Peak learning rate of AdamW.")
    double learningRate = 5e-5;
    @Arg(name = "weight_decay", help = "Decoupled weight decay, not applied to biases and LayerNorm weights.")
    double weightDecay = 0.0;
    @Arg(name = "adam_beta1", help = "AdamW beta1.")
    double adamBeta1 = 0.9;
    @Arg(name = "adam_beta2", help = "AdamW beta2.")
    double adamBeta2 = 0.999;
    @Arg(name = "adam_epsilon", help = "AdamW epsilon.")
    double adamEpsilon = 1e-8;
    @Arg(name = "max_grad_norm", help = "Clip the global gradient norm to this value (0 disables clipping).")
    double maxGradNorm = 1.0;
    @Arg(name = "lr_scheduler_type", help = "Learning-rate schedule after warmup.")
    SchedulerType lrSchedulerType = SchedulerType.LINEAR;
    @Arg(name = "warmup_ratio", help = "Fraction of total steps used for linear warmup (ignored when warmup_steps > 0).")
    double warmupRatio = 0.0;
    @Arg(name = "warmup_steps", help = "Number of linear warmup steps (overrides warmup_ratio).")
    int warmupSteps = 0;

    // --- length of training and batches
    @Arg(name = "num_train_epochs", help = "Epochs to train; fractions allowed (0.5 = half an epoch).")
    double numTrainEpochs = 3.0;
    @Arg(name = "max_steps", help = "If > 0, the total number of optimizer steps (overrides num_train_epochs).")
    int maxSteps = -1;
    @Arg(name = "per_device_train_batch_size", help = "Training batch size per device.")
    int perDeviceTrainBatchSize = 8;
    @Arg(name = "per_device_eval_batch_size", help = "Evaluation batch size per device.")
    int perDeviceEvalBatchSize = 8;
    @Arg(name = "gradient_accumulation_steps", help = "Micro-batches whose gradients are summed before each optimizer step.")
    int gradientAccumulationSteps = 1;
    @Arg(name = "seed", help = "Random seed for weights initialised here, dropout and shuffling.")
    int seed = 42;
    @Arg(name = "data_seed", help = "Seed for the data order only (defaults to seed).")
    Integer dataSeed = null;
    @Arg(name = "group_by_length", help = "Batch rows of similar length together (less padding) while keeping randomness.")
    boolean groupByLength = false;
    @Arg(name = "cache_frozen_features", help = "finetune4j's own (HF has none): when everything below some module is frozen (head-only, top-k layers), compute what enters the lowest trainable module once per train and eval row (eval mode, so without the dropout HF applies in frozen layers), keep it under the cache folder and train only the top from it. Off, with a log line, for LoRA or a trainable embedding.")
    boolean cacheFrozenFeatures = false;
    @Arg(name = "dataloader_drop_last", help = "Drop the last incomplete training batch.")
    boolean dataloaderDropLast = false;
    @Arg(name = "dataloader_num_workers", help = "Threads preparing batches ahead of the training step (0 = on the training thread).")
    int dataloaderNumWorkers = 0;
    @Arg(name = "label_smoothing_factor", help = "Label smoothing for the cross-entropy loss (0 = none).")
    double labelSmoothingFactor = 0.0;

    // --- logging
    @Arg(name = "logging_strategy", help = "When to log the training loss, learning rate and gradient norm.")
    IntervalStrategy loggingStrategy = IntervalStrategy.STEPS;
    @Arg(name = "logging_steps", help = "Log every N optimizer steps when logging_strategy is steps.")
    int loggingSteps = 500;
    @Arg(name = "logging_first_step", help = "Also log after the first optimizer step.")
    boolean loggingFirstStep = false;
    @Arg(name = "logging_dir", help = "Folder for TensorBoard and JSONL logs (defaults to output_dir/runs).")
    String loggingDir = null;
    @Arg(name = "report_to", help = "Where logs go besides the console: tensorboard, jsonl, all, or none.")
    List<String> reportTo = List.of("none");
    @Arg(name = "disable_tqdm", help = "Hide progress bars.")
    boolean disableTqdm = false;

    // --- device and precision
    @Arg(name = "use_cpu", help = "Run on the CPU even when a GPU is available.")
    boolean useCpu = false;
    @Arg(name = "fp16", help = "Mixed precision: linear layers and attention compute in float16 on float32 master weights, with dynamic loss scaling (torch GradScaler defaults). Meant for GPUs: the CPU has no fast float16 matmul.")
    boolean fp16 = false;
    @Arg(name = "bf16", help = "bfloat16 mixed precision; not available with DJL 0.36's PyTorch engine, so true is an error.")
    boolean bf16 = false;

    public TrainingArguments() {}

    /** Arguments from a parsed config/flags map, validated. */
    public static TrainingArguments fromMap(Map<String, ?> values, String origin) {
        TrainingArguments args = ArgumentBinder.bind(new TrainingArguments(), values, origin);
        args.validate();
        return args;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Checks ranges and combinations; throws {@link BadInputException} naming the argument. */
    public TrainingArguments validate() {
        List<String> problems = new ArrayList<>();
        positive(problems, "learning_rate", learningRate);
        nonNegative(problems, "weight_decay", weightDecay);
        range01(problems, "adam_beta1", adamBeta1);
        range01(problems, "adam_beta2", adamBeta2);
        positive(problems, "adam_epsilon", adamEpsilon);
        nonNegative(problems, "max_grad_norm", maxGradNorm);
        if (warmupRatio < 0 || warmupRatio > 1) {
            problems.add("warmup_ratio must be in [0, 1], got " + warmupRatio);
        }
        nonNegative(problems, "warmup_steps", warmupSteps);
        if (maxSteps <= 0 && numTrainEpochs <= 0) {
            problems.add("num_train_epochs must be > 0 when max_steps is not set, got " + numTrainEpochs);
        }
        positive(problems, "per_device_train_batch_size", perDeviceTrainBatchSize);
        positive(problems, "per_device_eval_batch_size", perDeviceEvalBatchSize);
        positive(problems, "gradient_accumulation_steps", gradientAccumulationSteps);
        positive(problems, "logging_steps", loggingSteps);
        positive(problems, "save_steps", saveSteps);
        if (evalSteps != null) {
            positive(problems, "eval_steps", evalSteps);
        }
        if (saveTotalLimit != null) {
            positive(problems, "save_total_limit", saveTotalLimit);
        }
        nonNegative(problems, "dataloader_num_workers", dataloaderNumWorkers);
        if (labelSmoothingFactor < 0 || labelSmoothingFactor >= 1) {
            problems.add("label_smoothing_factor must be in [0, 1), got " + labelSmoothingFactor);
        }
        if (outputDir == null || outputDir.isBlank()) {
            problems.add("output_dir must be a folder name");
        }
        if (bf16) {
            problems.add("bf16 is not supported: DJL 0.36's PyTorch engine aborts on bfloat16 tensors; use fp16 on a GPU or float32");
        }
        for (String r : reportTo) {
            if (!List.of("none", "all", "tensorboard", "jsonl").contains(r)) {
                problems.add("report_to has unknown value '" + r + "'; use tensorboard, jsonl, all or none");
            }
        }
        if (loadBestModelAtEnd && saveStrategy != SaveStrategy.BEST && evalStrategy == IntervalStrategy.NO) {
            problems.add("load_best_model_at_end needs an eval_strategy other than no");
        }
        if (loadBestModelAtEnd && saveStrategy != SaveStrategy.BEST && evalStrategy.name().equals(saveStrategy.name()) == false) {
            problems.add("load_best_model_at_end needs save_strategy to match eval_strategy (" + ArgumentBinder.enumKey(evalStrategy)
                    + "), got " + ArgumentBinder.enumKey(saveStrategy));
        }
        if (saveStrategy == SaveStrategy.BEST && evalStrategy == IntervalStrategy.NO) {
            problems.add("save_strategy best needs an eval_strategy other than no");
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(String.join("; ", problems));
        }
        return this;
    }

    private static void positive(List<String> problems, String name, double v) {
        if (!(v > 0)) {
            problems.add(name + " must be > 0, got " + fmt(v));
        }
    }

    private static void nonNegative(List<String> problems, String name, double v) {
        if (!(v >= 0)) {
            problems.add(name + " must be >= 0, got " + fmt(v));
        }
    }

    private static void range01(List<String> problems, String name, double v) {
        if (!(v >= 0 && v < 1)) {
            problems.add(name + " must be in [0, 1), got " + fmt(v));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** All values keyed by HF name (what training_args.json holds). */
    public Map<String, Object> toMap() {
        return ArgumentBinder.toMap(this);
    }

    // --- accessors (Java names)
    public String outputDir() { return outputDir; }
    public boolean overwriteOutputDir() { return overwriteOutputDir; }
    public String runName() { return runName != null ? runName : outputDir; }
    public boolean doTrain() { return doTrain; }
    public boolean doEval() { return doEval; }
    public IntervalStrategy evalStrategy() { return evalStrategy; }
    public int evalSteps() { return evalSteps != null ? evalSteps : loggingSteps; }
    public boolean evalOnStart() { return evalOnStart; }
    public double evalDelay() { return evalDelay; }
    public SaveStrategy saveStrategy() { return saveStrategy; }
    public int saveSteps() { return saveSteps; }
    public Integer saveTotalLimit() { return saveTotalLimit; }
    public boolean saveOnlyModel() { return saveOnlyModel; }
    public boolean loadBestModelAtEnd() { return loadBestModelAtEnd; }
    public String metricForBestModel() { return metricForBestModel != null ? metricForBestModel : "loss"; }
    public boolean greaterIsBetter() {
        if (greaterIsBetter != null) {
            return greaterIsBetter;
        }
        String m = metricForBestModel();
        return !(m.equals("loss") || m.endsWith("_loss"));
    }
    public String resumeFromCheckpoint() { return resumeFromCheckpoint; }
    public double learningRate() { return learningRate; }
    public double weightDecay() { return weightDecay; }
    public double adamBeta1() { return adamBeta1; }
    public double adamBeta2() { return adamBeta2; }
    public double adamEpsilon() { return adamEpsilon; }
    public double maxGradNorm() { return maxGradNorm; }
    public SchedulerType lrSchedulerType() { return lrSchedulerType; }
    public double warmupRatio() { return warmupRatio; }
    public int warmupSteps() { return warmupSteps; }
    /** Warmup steps for a run of {@code totalSteps}: warmup_steps if set, else ceil(warmup_ratio × total). */
    public int warmupSteps(int totalSteps) {
        return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
    }
    public double numTrainEpochs() { return numTrainEpochs; }
    public int maxSteps() { return maxSteps; }
    public int perDeviceTrainBatchSize() { return perDeviceTrainBatchSize; }
    public int perDeviceEvalBatchSize() { return perDeviceEvalBatchSize; }
    public int gradientAccumulationSteps() { return gradientAccumulationSteps; }
    public int seed() { return seed; }
    public int dataSeed() { return dataSeed != null ? dataSeed : seed; }
    public boolean groupByLength() { return groupByLength; }
    public boolean cacheFrozenFeatures() { return cacheFrozenFeatures; }
    public boolean dataloaderDropLast() { return dataloaderDropLast; }
    public int dataloaderNumWorkers() { return dataloaderNumWorkers; }
    public double labelSmoothingFactor() { return labelSmoothingFactor; }
    public IntervalStrategy loggingStrategy() { return loggingStrategy; }
    public int loggingSteps() { return loggingSteps; }
    public boolean loggingFirstStep() { return loggingFirstStep; }
    public String loggingDir() { return loggingDir != null ? loggingDir : outputDir + "/runs"; }
    public List<String> reportTo() { return reportTo; }
    public boolean reportsTo(String integration) {
        return reportTo.contains(integration) || reportTo.contains("all");
    }
    public boolean disableTqdm() { return disableTqdm; }
    public boolean useCpu() { return useCpu; }
    public boolean fp16() { return fp16; }

    /**
     * Java-side construction with HF names: {@code TrainingArguments.builder().set("learning_rate", 2e-5)}
     * or the typed setters for the common ones. {@link #build()} validates.
     */
    public static final class Builder {
        private final java.util.LinkedHashMap<String, Object> values = new java.util.LinkedHashMap<>();

        public Builder set(String name, Object value) {
            values.put(name, value);
            return this;
        }

        public Builder outputDir(String v) { return set("output_dir", v); }
        public Builder learningRate(double v) { return set("learning_rate", v); }
        public Builder numTrainEpochs(double v) { return set("num_train_epochs", v); }
        public Builder maxSteps(int v) { return set("max_steps", v); }
        public Builder perDeviceTrainBatchSize(int v) { return set("per_device_train_batch_size", v); }
        public Builder perDeviceEvalBatchSize(int v) { return set("per_device_eval_batch_size", v); }
        public Builder weightDecay(double v) { return set("weight_decay", v); }
        public Builder evalStrategy(String v) { return set("eval_strategy", v); }
        public Builder saveStrategy(String v) { return set("save_strategy", v); }
        public Builder seed(int v) { return set("seed", v); }

        public TrainingArguments build() {
            return fromMap(values, "TrainingArguments.builder()");
        }
    }
}
