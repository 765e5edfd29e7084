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
    @Arg(name = "bf16", help = "Whether to use bf16 (mixed) precision instead of 32-bit: the training forward runs under torch.autocast to bfloat16 (CPU or CUDA) on float32 master weights, gradients and optimizer state; no loss scaling. Evaluation and prediction run under the same autocast. Fast on GPUs and on CPUs with native bf16 (avx512_bf16 or AMX; `doctor` says); slower than float32 elsewhere.")
    boolean bf16 = false;

    // --- the rest of HF's TrainingArguments, in the order of its documentation
    private static final String SINGLE_PROCESS = "finetune4j trains in one process on one device; run one job per machine instead";
    private static final String NO_HUB = "finetune4j works offline and never uploads; copy output_dir to the Hub yourself (huggingface-cli upload)";
    private static final String NO_TORCH_PY = "this is a PyTorch-Python feature that DJL's engine does not have; leave it unset";

    @Arg(name = "do_predict", help = "After training, predict the test split (test_split_name) and write predict_results.txt to output_dir, as run_classification.py does.")
    boolean doPredict = false;
    @Arg(name = "remove_unused_columns", help = "Drop dataset columns the model does not take; finetune4j's collator only ever builds the model's inputs.",
            refused = "the collator always passes only the model's inputs; a Java data_collator reads any column it wants from the data set itself")
    boolean removeUnusedColumns = true;
    @Arg(name = "full_determinism", help = "Make runs bit-for-bit reproducible for a seed (HF's enable_full_determinism). On the CPU finetune4j's runs already are; on a GPU true is refused since DJL cannot switch torch.use_deterministic_algorithms.")
    boolean fullDeterminism = false;
    @Arg(name = "eval_accumulation_steps", help = "Prediction steps whose outputs are gathered before moving them to the CPU; finetune4j copies every batch's logits to host memory at once, so any positive value gives the same result.")
    Integer evalAccumulationSteps = null;
    @Arg(name = "length_column_name", help = "Column with precomputed row lengths for group_by_length (non-negative integers): "
            + "when the training set has it, its values group the rows; without it, each row's token count does.")
    String lengthColumnName = "length";
    @Arg(name = "dataloader_pin_memory", help = "Page-locked host memory for faster host-to-GPU copies.",
            noEffect = "DJL copies batches from Java buffers; there is no pinned-memory switch")
    boolean dataloaderPinMemory = true;
    @Arg(name = "dataloader_persistent_workers", help = "Keep data-loading workers alive between epochs (needs dataloader_num_workers > 0, as torch's DataLoader). finetune4j's worker threads live for the whole run either way.")
    boolean dataloaderPersistentWorkers = false;
    @Arg(name = "dataloader_prefetch_factor", help = "Batches each worker prepares ahead (needs dataloader_num_workers > 0; torch's default is 2).")
    Integer dataloaderPrefetchFactor = null;
    @Arg(name = "auto_find_batch_size", help = "Halve the batch size and retry after a CUDA out-of-memory error.",
            noEffect = "finetune4j does not retry after an out-of-memory error: on the CPU none occurs that way, on a GPU lower "
                    + "per_device_train_batch_size yourself (a warning says so when it is true)")
    boolean autoFindBatchSize = false;
    @Arg(name = "neftune_noise_alpha", help = "NEFTune: add uniform noise of size alpha/sqrt(sequence length x hidden size) to the input embeddings while training (not in evaluation).")
    Double neftuneNoiseAlpha = null;
    @Arg(name = "prediction_loss_only", help = "Evaluation and prediction return only the loss: compute_metrics is not called.")
    boolean predictionLossOnly = false;
    @Arg(name = "include_inputs_for_metrics", help = "Deprecated in HF for include_for_metrics.",
            refused = "compute_metrics receives logits and labels only; compute what needs the inputs from the data set")
    boolean includeInputsForMetrics = false;
    @Arg(name = "include_for_metrics", help = "Extra data passed to compute_metrics (inputs, loss).",
            refused = "compute_metrics receives logits and labels only; compute what needs the inputs or per-row losses from the data set")
    List<String> includeForMetrics = List.of();
    @Arg(name = "eval_do_concat_batches", help = "Concatenate the batches' predictions into one array.",
            refused = "predictions are always one array of rows; split them yourself if you need batches")
    boolean evalDoConcatBatches = true;
    @Arg(name = "batch_eval_metrics", help = "Call compute_metrics once per evaluation batch (a Java BatchComputeMetrics keeping running totals; the last call returns the metrics) instead of once on all logits. The CLI's built-in metrics need false.")
    boolean batchEvalMetrics = false;
    @Arg(name = "eval_use_gather_object", help = "Gather Python objects from all devices.", refused = SINGLE_PROCESS)
    boolean evalUseGatherObject = false;
    @Arg(name = "lr_scheduler_kwargs", help = "Extra arguments of the schedule: num_cycles for cosine (default 0.5).")
    Map<String, Object> lrSchedulerKwargs = Map.of();
    @Arg(name = "optim", help = "Optimizer: adamw_torch, adamw_torch_fused (the same math on the CPU), sgd (torch.optim.SGD) or adafactor (HF's Adafactor with scale_parameter and relative_step off, as the Trainer sets them).")
    String optim = "adamw_torch";
    @Arg(name = "optim_args", help = "Extra optimizer arguments as key=value,key=value: sgd takes momentum, dampening, nesterov; adafactor takes clip_threshold, decay_rate, beta1; adamw takes none.")
    String optimArgs = null;
    @Arg(name = "optim_target_modules", help = "Modules that GaLore or APOLLO optimize.",
            refused = "GaLore and APOLLO optimizers are not available; use optim adamw_torch, sgd or adafactor (or LoRA via peft)")
    Object optimTargetModules = null;
    @Arg(name = "save_safetensors", help = "Save weights as model.safetensors (true) or, as torch.save of the state dict, pytorch_model.bin (false); checkpoints and the final model alike.")
    boolean saveSafetensors = true;
    @Arg(name = "save_on_each_node", help = "Multi-node runs: local rank 0 of every machine writes checkpoints and the model (for machines without a shared disk); false: rank 0 only.")
    boolean saveOnEachNode = false;
    @Arg(name = "restore_callback_states_from_checkpoint", help = "Restore callbacks' states (e.g. early stopping's counter) on resume.",
            refused = "callback states are not saved in checkpoints; early stopping counts again from the resumed step")
    boolean restoreCallbackStatesFromCheckpoint = false;
    @Arg(name = "ignore_data_skip", help = "On resume, start the interrupted epoch from its first batch instead of skipping the batches already seen.")
    boolean ignoreDataSkip = false;
    @Arg(name = "local_rank", help = "Process rank on this machine in distributed training.", noEffect = "the rank comes from torchrun's LOCAL_RANK variable (set by torchrun or finetune4j launch)")
    int localRank = -1;
    @Arg(name = "ddp_backend", help = "torch.distributed backend of multi-process training: gloo (CPU tensors) or nccl (each rank on its GPU, cuda:LOCAL_RANK; needs the CUDA natives). Default: nccl when the model is on a GPU, else gloo.")
    String ddpBackend = null;
    @Arg(name = "tpu_num_cores", help = "TPU cores.", refused = "there is no TPU support in DJL's PyTorch engine; run on the CPU or a CUDA GPU")
    Integer tpuNumCores = null;
    @Arg(name = "ddp_find_unused_parameters", help = "DistributedDataParallel's find_unused_parameters: a trainable parameter without a gradient on some rank counts as zero there. Default: true unless gradient_checkpointing.")
    Boolean ddpFindUnusedParameters = null;
    @Arg(name = "ddp_bucket_cap_mb", help = "DistributedDataParallel's bucket_cap_mb: gradients are all-reduced in buckets of this many MB (default 25).")
    Integer ddpBucketCapMb = null;
    @Arg(name = "ddp_broadcast_buffers", help = "DistributedDataParallel's broadcast_buffers.", noEffect = "the models here have no running buffers (only constant position ids), so there is nothing to broadcast")
    Boolean ddpBroadcastBuffers = null;
    @Arg(name = "ddp_timeout", help = "Seconds a rank waits for the others (joining the process group, every collective) before it stops with an error.")
    int ddpTimeout = 1800;
    @Arg(name = "fsdp", help = "PyTorch Fully Sharded Data Parallel options.", refused = SINGLE_PROCESS)
    String fsdp = "";
    @Arg(name = "fsdp_config", help = "FSDP configuration (file or mapping).", refused = SINGLE_PROCESS)
    Object fsdpConfig = null;
    @Arg(name = "deepspeed", help = "DeepSpeed configuration (file or mapping).", refused = "DeepSpeed is a Python library; for memory, use LoRA (peft), freezing or a smaller batch with gradient_accumulation_steps")
    Object deepspeed = null;
    @Arg(name = "accelerator_config", help = "Configuration of HF Accelerate.", refused = "Accelerate is a Python library; finetune4j places the model and batches itself")
    Object acceleratorConfig = null;
    @Arg(name = "split_batches", help = "Split each batch across devices.", refused = SINGLE_PROCESS)
    Boolean splitBatches = null;
    @Arg(name = "average_tokens_across_devices", help = "Average the token count across devices for the loss.",
            noEffect = "with one device the average is the device's own count")
    boolean averageTokensAcrossDevices = false;
    @Arg(name = "fp16_opt_level", help = "Apex AMP optimisation level.", refused = "Apex is not used; fp16 is torch-amp-style autocast with a GradScaler")
    String fp16OptLevel = "O1";
    @Arg(name = "fp16_backend", help = "Deprecated in HF for half_precision_backend.", refused = "only the built-in autocast backend exists; leave it auto")
    String fp16Backend = "auto";
    @Arg(name = "half_precision_backend", help = "Backend for mixed precision (auto, apex, cpu_amp).", refused = "only the built-in autocast backend exists; leave it auto")
    String halfPrecisionBackend = "auto";
    @Arg(name = "bf16_full_eval", help = "Whether to use full bfloat16 evaluation instead of 32-bit. This will be faster and save memory but can harm metric values. (HF casts the model to bfloat16; finetune4j evaluates and predicts under torch.autocast to bfloat16, weights staying float32.)")
    boolean bf16FullEval = false;
    @Arg(name = "fp16_full_eval", help = "Evaluate and predict with float16 compute (faster on GPUs, slightly different metrics).")
    boolean fp16FullEval = false;
    @Arg(name = "tf32", help = "TF32 matmuls on Ampere or newer GPUs.",
            refused = "TF32 needs an Ampere or newer GPU and DJL 0.36 has no switch for torch's allow_tf32; leave it unset (float32 matmuls)")
    Boolean tf32 = null;
    @Arg(name = "jit_mode_eval", help = "Trace the model with torch.jit for inference.", refused = NO_TORCH_PY + " (for fast inference, export to ONNX: finetune4j export)")
    boolean jitModeEval = false;
    @Arg(name = "use_ipex", help = "Intel Extension for PyTorch.", refused = NO_TORCH_PY)
    boolean useIpex = false;
    @Arg(name = "torch_compile", help = "Compile the model with torch.compile.", refused = NO_TORCH_PY)
    boolean torchCompile = false;
    @Arg(name = "torch_compile_backend", help = "Backend of torch.compile.", refused = NO_TORCH_PY)
    String torchCompileBackend = null;
    @Arg(name = "torch_compile_mode", help = "Mode of torch.compile.", refused = NO_TORCH_PY)
    String torchCompileMode = null;
    @Arg(name = "gradient_checkpointing", help = "Recompute each encoder layer's activations in the backward pass instead of keeping them: "
            + "less memory per step for about one more forward's time. Without dropout the gradients are the plain step's; with dropout "
            + "each layer's masks are drawn from a seed of (seed, step, layer), so runs repeat and resume exactly but differ from a run without it.")
    boolean gradientCheckpointing = false;
    @Arg(name = "gradient_checkpointing_kwargs", help = "Arguments of gradient_checkpointing_enable: use_reentrant (true or false, both run "
            + "the same recompute here) and preserve_rng_state (true: each layer redraws its dropout masks in the recompute).")
    Map<String, Object> gradientCheckpointingKwargs = null;
    @Arg(name = "torch_empty_cache_steps", help = "Every N steps, return cached GPU memory to the driver (torch.cuda.empty_cache).",
            noEffect = "DJL 0.36 exposes no empty_cache; on the CPU there is no cache to empty (a positive value is still checked)")
    Integer torchEmptyCacheSteps = null;
    @Arg(name = "use_liger_kernel", help = "Liger kernels for LLM training.", refused = "Liger kernels are Triton GPU kernels for Python; leave it false")
    boolean useLigerKernel = false;
    @Arg(name = "log_level", help = "Level of finetune4j's log lines: debug, info, warning, error, critical, or passive (keep the CLI's own setting).")
    String logLevel = "passive";
    @Arg(name = "log_level_replica", help = "Log level of the other ranks of a multi-process run (same choices as log_level).")
    String logLevelReplica = "warning";
    @Arg(name = "log_on_each_node", help = "Multi-node runs: local rank 0 of every machine logs at log_level (false: rank 0 only); the other ranks at log_level_replica.")
    boolean logOnEachNode = true;
    @Arg(name = "logging_nan_inf_filter", help = "Replace a NaN or inf step loss in the logs by the average of the others.",
            noEffect = "a NaN or inf training loss stops the run at that step (nothing of it is saved), so no such loss reaches the logs")
    boolean loggingNanInfFilter = true;
    @Arg(name = "skip_memory_metrics", help = "Skip HF's memory profiler metrics (train_mem_*).",
            refused = "HF's memory tracker reads torch's allocator, which DJL does not expose; measure memory with finetune4j bench memory")
    boolean skipMemoryMetrics = true;
    @Arg(name = "include_tokens_per_second", help = "Add train_tokens_per_second (tokens of the padded batches, as HF counts them, per second) to the train metrics.")
    Boolean includeTokensPerSecond = null;
    @Arg(name = "include_num_input_tokens_seen", help = "Add num_input_tokens_seen (non-padding tokens so far) to every training log entry.")
    Boolean includeNumInputTokensSeen = null;
    @Arg(name = "push_to_hub", help = "Upload the model to the Hub at every save.", refused = NO_HUB)
    boolean pushToHub = false;
    @Arg(name = "hub_model_id", help = "Hub repository to push to.", refused = NO_HUB)
    String hubModelId = null;
    @Arg(name = "hub_strategy", help = "What is pushed to the Hub and when.", refused = NO_HUB)
    String hubStrategy = "every_save";
    @Arg(name = "hub_token", help = "Token for pushing to the Hub.", refused = NO_HUB)
    String hubToken = null;
    @Arg(name = "hub_private_repo", help = "Make the Hub repository private.", refused = NO_HUB)
    Boolean hubPrivateRepo = null;
    @Arg(name = "hub_always_push", help = "Push even while an earlier push is running.", refused = NO_HUB)
    boolean hubAlwaysPush = false;
    @Arg(name = "debug", help = "HF debug features (underflow_overflow, tpu_metrics_debug).",
            refused = "these are PyTorch-hook and TPU debug tools; use --verbose for full logs and stack traces")
    String debug = "";
    @Arg(name = "past_index", help = "Index of the model output holding past hidden states (Transformer-XL, XLNet).",
            refused = "none of finetune4j's encoders returns past states; leave it -1")
    int pastIndex = -1;
    @Arg(name = "ray_scope", help = "Scope of Ray Tune's hyperparameter search.", refused = "there is no Ray Tune integration; run one training per setting")
    String rayScope = "last";
    @Arg(name = "torchdynamo", help = "TorchDynamo backend.", refused = NO_TORCH_PY)
    String torchdynamo = null;
    @Arg(name = "use_mps_device", help = "Deprecated: train on Apple's MPS device.", refused = "DJL's PyTorch engine here has no MPS device; run on the CPU or a CUDA GPU")
    boolean useMpsDevice = false;

    /** HF's log levels (transformers.utils.logging), passive = leave the application's setting alone. */
    public static final List<String> LOG_LEVELS = List.of("debug", "info", "warning", "error", "critical", "passive");

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
        positive(problems, "ddp_timeout", ddpTimeout);
        if (ddpBucketCapMb != null) {
            positive(problems, "ddp_bucket_cap_mb", ddpBucketCapMb);
        }
        if (ddpBackend != null && !ddpBackend.equals("gloo") && !ddpBackend.equals("nccl")) {
            problems.add("ddp_backend " + ddpBackend + " is not available: finetune4j's ranks talk over torch.distributed's gloo "
                    + "(CPU tensors) or nccl (CUDA tensors); leave ddp_backend unset (nccl on GPUs, else gloo)");
        }
        if (labelSmoothingFactor < 0 || labelSmoothingFactor >= 1) {
            problems.add("label_smoothing_factor must be in [0, 1), got " + labelSmoothingFactor);
        }
        if (fp16 && bf16) {
            problems.add("fp16 and bf16 are both true; at most one of them can be (choose bf16 on a CPU with native bf16 or a recent GPU, fp16 on an older GPU)");
        }
        if (fp16FullEval && bf16FullEval) {
            problems.add("fp16_full_eval and bf16_full_eval are both true; at most one of them can be");
        }
        if (outputDir == null || outputDir.isBlank()) {
            problems.add("output_dir must be a folder name");
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
        if (evalAccumulationSteps != null) {
            positive(problems, "eval_accumulation_steps", evalAccumulationSteps);
        }
        if (dataloaderPersistentWorkers && dataloaderNumWorkers == 0) {
            problems.add("dataloader_persistent_workers needs dataloader_num_workers > 0 (as torch's DataLoader)");
        }
        if (dataloaderPrefetchFactor != null) {
            positive(problems, "dataloader_prefetch_factor", dataloaderPrefetchFactor);
            if (dataloaderNumWorkers == 0) {
                problems.add("dataloader_prefetch_factor needs dataloader_num_workers > 0 (as torch's DataLoader)");
            }
        }
        if (neftuneNoiseAlpha != null && !(neftuneNoiseAlpha > 0 && Double.isFinite(neftuneNoiseAlpha))) {
            problems.add("neftune_noise_alpha must be > 0, got " + neftuneNoiseAlpha);
        }
        if (torchEmptyCacheSteps != null) {
            positive(problems, "torch_empty_cache_steps", torchEmptyCacheSteps);
        }
        for (String[] level : new String[][] {{"log_level", logLevel}, {"log_level_replica", logLevelReplica}}) {
            if (!LOG_LEVELS.contains(level[1])) {
                problems.add(level[0] + " must be one of " + LOG_LEVELS + ", got '" + level[1] + "'");
            }
        }
        try {
            OptimizerSpec.of(this);
        } catch (BadInputException e) {
            problems.add(e.getMessage());
        }
        checkGradientCheckpointingKwargs(problems);
        try {
            LrSchedule.numCycles(lrSchedulerType, lrSchedulerKwargs);
        } catch (BadInputException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(OutputDirs.problems(outputDir));
        if (!problems.isEmpty()) {
            throw new BadInputException(String.join("; ", problems));
        }
        return this;
    }

    /** HF passes these to torch.utils.checkpoint: use_reentrant (either value) and preserve_rng_state (true) apply here. */
    private void checkGradientCheckpointingKwargs(List<String> problems) {
        if (gradientCheckpointingKwargs == null) {
            return;
        }
        for (Map.Entry<String, Object> e : gradientCheckpointingKwargs.entrySet()) {
            Object v = e.getValue();
            boolean bool = v instanceof Boolean || "true".equals(v) || "false".equals(v);
            switch (e.getKey()) {
                case "use_reentrant" -> {
                    if (!bool) {
                        problems.add("gradient_checkpointing_kwargs use_reentrant must be true or false, got " + v);
                    }
                }
                case "preserve_rng_state" -> {
                    if (!bool || !Boolean.parseBoolean(String.valueOf(v))) {
                        problems.add("gradient_checkpointing_kwargs preserve_rng_state must be true (each layer redraws its dropout masks "
                                + "in the recompute), got " + v);
                    }
                }
                default -> problems.add("gradient_checkpointing_kwargs key '" + e.getKey()
                        + "' is not taken (it takes use_reentrant and preserve_rng_state)");
            }
        }
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
    public String lengthColumnName() { return lengthColumnName; }
    public boolean cacheFrozenFeatures() { return cacheFrozenFeatures; }
    public boolean dataloaderDropLast() { return dataloaderDropLast; }
    public boolean saveOnEachNode() { return saveOnEachNode; }
    public String ddpBackend() { return ddpBackend; }
    public Boolean ddpFindUnusedParameters() { return ddpFindUnusedParameters; }
    public Integer ddpBucketCapMb() { return ddpBucketCapMb; }
    public int ddpTimeout() { return ddpTimeout; }
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
    public boolean bf16() { return bf16; }
    public boolean gradientCheckpointing() { return gradientCheckpointing; }
    public Map<String, Object> gradientCheckpointingKwargs() {
        return gradientCheckpointingKwargs == null ? Map.of() : gradientCheckpointingKwargs;
    }
    public boolean saveSafetensors() { return saveSafetensors; }
    public boolean doPredict() { return doPredict; }
    public boolean fullDeterminism() { return fullDeterminism; }
    public Integer evalAccumulationSteps() { return evalAccumulationSteps; }
    public boolean dataloaderPinMemory() { return dataloaderPinMemory; }
    public boolean dataloaderPersistentWorkers() { return dataloaderPersistentWorkers; }
    /** Batches each worker prepares ahead: dataloader_prefetch_factor, else torch's default 2. */
    public int dataloaderPrefetchFactor() { return dataloaderPrefetchFactor != null ? dataloaderPrefetchFactor : 2; }
    public boolean autoFindBatchSize() { return autoFindBatchSize; }
    public Double neftuneNoiseAlpha() { return neftuneNoiseAlpha; }
    public boolean predictionLossOnly() { return predictionLossOnly; }
    public boolean batchEvalMetrics() { return batchEvalMetrics; }
    public Map<String, Object> lrSchedulerKwargs() { return lrSchedulerKwargs == null ? Map.of() : lrSchedulerKwargs; }
    public String optim() { return optim; }
    public String optimArgs() { return optimArgs; }
    public boolean ignoreDataSkip() { return ignoreDataSkip; }
    public boolean fp16FullEval() { return fp16FullEval; }
    public boolean bf16FullEval() { return bf16FullEval; }
    public Integer torchEmptyCacheSteps() { return torchEmptyCacheSteps; }
    public String logLevel() { return logLevel; }

    /**
     * HF's get_process_log_level: log_level on the process that logs (local rank 0 of each machine with
     * log_on_each_node, else rank 0), log_level_replica on the others.
     */
    public String processLogLevel(io.finetune4j.train.distributed.DistributedEnv env) {
        boolean logs = logOnEachNode ? env.isLocalProcessZero() : env.isWorldProcessZero();
        return logs ? logLevel : logLevelReplica;
    }
    public String logLevelReplica() { return logLevelReplica; }
    public boolean includeTokensPerSecond() { return Boolean.TRUE.equals(includeTokensPerSecond); }
    public boolean includeNumInputTokensSeen() { return Boolean.TRUE.equals(includeNumInputTokensSeen); }

    /**
     * Java-side construction: a typed setter per argument ({@code .learningRate(2e-5).optim("sgd")}), or
     * {@code set("learning_rate", 2e-5)} by HF name. {@link #build()} binds and validates as a config would.
     */
    public static final class Builder {
        private final java.util.LinkedHashMap<String, Object> values = new java.util.LinkedHashMap<>();

        public Builder set(String name, Object value) {
            values.put(name, value);
            return this;
        }

        // one typed setter per argument, in declaration order (a test checks that none is missing)
        public Builder outputDir(String v) { return set("output_dir", v); }
        public Builder overwriteOutputDir(boolean v) { return set("overwrite_output_dir", v); }
        public Builder runName(String v) { return set("run_name", v); }
        public Builder doTrain(boolean v) { return set("do_train", v); }
        public Builder doEval(boolean v) { return set("do_eval", v); }
        public Builder evalStrategy(IntervalStrategy v) { return set("eval_strategy", v); }
        public Builder evalSteps(int v) { return set("eval_steps", v); }
        public Builder evalOnStart(boolean v) { return set("eval_on_start", v); }
        public Builder evalDelay(double v) { return set("eval_delay", v); }
        public Builder saveStrategy(SaveStrategy v) { return set("save_strategy", v); }
        public Builder saveSteps(int v) { return set("save_steps", v); }
        public Builder saveTotalLimit(int v) { return set("save_total_limit", v); }
        public Builder saveOnlyModel(boolean v) { return set("save_only_model", v); }
        public Builder loadBestModelAtEnd(boolean v) { return set("load_best_model_at_end", v); }
        public Builder metricForBestModel(String v) { return set("metric_for_best_model", v); }
        public Builder greaterIsBetter(boolean v) { return set("greater_is_better", v); }
        public Builder resumeFromCheckpoint(String v) { return set("resume_from_checkpoint", v); }
        public Builder learningRate(double v) { return set("learning_rate", v); }
        public Builder weightDecay(double v) { return set("weight_decay", v); }
        public Builder adamBeta1(double v) { return set("adam_beta1", v); }
        public Builder adamBeta2(double v) { return set("adam_beta2", v); }
        public Builder adamEpsilon(double v) { return set("adam_epsilon", v); }
        public Builder maxGradNorm(double v) { return set("max_grad_norm", v); }
        public Builder lrSchedulerType(SchedulerType v) { return set("lr_scheduler_type", v); }
        public Builder warmupRatio(double v) { return set("warmup_ratio", v); }
        public Builder warmupSteps(int v) { return set("warmup_steps", v); }
        public Builder numTrainEpochs(double v) { return set("num_train_epochs", v); }
        public Builder maxSteps(int v) { return set("max_steps", v); }
        public Builder perDeviceTrainBatchSize(int v) { return set("per_device_train_batch_size", v); }
        public Builder perDeviceEvalBatchSize(int v) { return set("per_device_eval_batch_size", v); }
        public Builder gradientAccumulationSteps(int v) { return set("gradient_accumulation_steps", v); }
        public Builder seed(int v) { return set("seed", v); }
        public Builder dataSeed(int v) { return set("data_seed", v); }
        public Builder groupByLength(boolean v) { return set("group_by_length", v); }
        public Builder cacheFrozenFeatures(boolean v) { return set("cache_frozen_features", v); }
        public Builder dataloaderDropLast(boolean v) { return set("dataloader_drop_last", v); }
        public Builder dataloaderNumWorkers(int v) { return set("dataloader_num_workers", v); }
        public Builder labelSmoothingFactor(double v) { return set("label_smoothing_factor", v); }
        public Builder loggingStrategy(IntervalStrategy v) { return set("logging_strategy", v); }
        public Builder loggingSteps(int v) { return set("logging_steps", v); }
        public Builder loggingFirstStep(boolean v) { return set("logging_first_step", v); }
        public Builder loggingDir(String v) { return set("logging_dir", v); }
        public Builder reportTo(List<String> v) { return set("report_to", v); }
        public Builder disableTqdm(boolean v) { return set("disable_tqdm", v); }
        public Builder useCpu(boolean v) { return set("use_cpu", v); }
        public Builder fp16(boolean v) { return set("fp16", v); }
        public Builder bf16(boolean v) { return set("bf16", v); }
        public Builder doPredict(boolean v) { return set("do_predict", v); }
        public Builder removeUnusedColumns(boolean v) { return set("remove_unused_columns", v); }
        public Builder fullDeterminism(boolean v) { return set("full_determinism", v); }
        public Builder evalAccumulationSteps(int v) { return set("eval_accumulation_steps", v); }
        public Builder lengthColumnName(String v) { return set("length_column_name", v); }
        public Builder dataloaderPinMemory(boolean v) { return set("dataloader_pin_memory", v); }
        public Builder dataloaderPersistentWorkers(boolean v) { return set("dataloader_persistent_workers", v); }
        public Builder dataloaderPrefetchFactor(int v) { return set("dataloader_prefetch_factor", v); }
        public Builder autoFindBatchSize(boolean v) { return set("auto_find_batch_size", v); }
        public Builder neftuneNoiseAlpha(double v) { return set("neftune_noise_alpha", v); }
        public Builder predictionLossOnly(boolean v) { return set("prediction_loss_only", v); }
        public Builder includeInputsForMetrics(boolean v) { return set("include_inputs_for_metrics", v); }
        public Builder includeForMetrics(List<String> v) { return set("include_for_metrics", v); }
        public Builder evalDoConcatBatches(boolean v) { return set("eval_do_concat_batches", v); }
        public Builder batchEvalMetrics(boolean v) { return set("batch_eval_metrics", v); }
        public Builder evalUseGatherObject(boolean v) { return set("eval_use_gather_object", v); }
        public Builder lrSchedulerKwargs(Map<String, Object> v) { return set("lr_scheduler_kwargs", v); }
        public Builder optim(String v) { return set("optim", v); }
        public Builder optimArgs(String v) { return set("optim_args", v); }
        public Builder optimTargetModules(Object v) { return set("optim_target_modules", v); }
        public Builder saveSafetensors(boolean v) { return set("save_safetensors", v); }
        public Builder saveOnEachNode(boolean v) { return set("save_on_each_node", v); }
        public Builder restoreCallbackStatesFromCheckpoint(boolean v) { return set("restore_callback_states_from_checkpoint", v); }
        public Builder ignoreDataSkip(boolean v) { return set("ignore_data_skip", v); }
        public Builder localRank(int v) { return set("local_rank", v); }
        public Builder ddpBackend(String v) { return set("ddp_backend", v); }
        public Builder tpuNumCores(int v) { return set("tpu_num_cores", v); }
        public Builder ddpFindUnusedParameters(boolean v) { return set("ddp_find_unused_parameters", v); }
        public Builder ddpBucketCapMb(int v) { return set("ddp_bucket_cap_mb", v); }
        public Builder ddpBroadcastBuffers(boolean v) { return set("ddp_broadcast_buffers", v); }
        public Builder ddpTimeout(int v) { return set("ddp_timeout", v); }
        public Builder fsdp(String v) { return set("fsdp", v); }
        public Builder fsdpConfig(Object v) { return set("fsdp_config", v); }
        public Builder deepspeed(Object v) { return set("deepspeed", v); }
        public Builder acceleratorConfig(Object v) { return set("accelerator_config", v); }
        public Builder splitBatches(boolean v) { return set("split_batches", v); }
        public Builder averageTokensAcrossDevices(boolean v) { return set("average_tokens_across_devices", v); }
        public Builder fp16OptLevel(String v) { return set("fp16_opt_level", v); }
        public Builder fp16Backend(String v) { return set("fp16_backend", v); }
        public Builder halfPrecisionBackend(String v) { return set("half_precision_backend", v); }
        public Builder bf16FullEval(boolean v) { return set("bf16_full_eval", v); }
        public Builder fp16FullEval(boolean v) { return set("fp16_full_eval", v); }
        public Builder tf32(boolean v) { return set("tf32", v); }
        public Builder jitModeEval(boolean v) { return set("jit_mode_eval", v); }
        public Builder useIpex(boolean v) { return set("use_ipex", v); }
        public Builder torchCompile(boolean v) { return set("torch_compile", v); }
        public Builder torchCompileBackend(String v) { return set("torch_compile_backend", v); }
        public Builder torchCompileMode(String v) { return set("torch_compile_mode", v); }
        public Builder gradientCheckpointing(boolean v) { return set("gradient_checkpointing", v); }
        public Builder gradientCheckpointingKwargs(Map<String, Object> v) { return set("gradient_checkpointing_kwargs", v); }
        public Builder torchEmptyCacheSteps(int v) { return set("torch_empty_cache_steps", v); }
        public Builder useLigerKernel(boolean v) { return set("use_liger_kernel", v); }
        public Builder logLevel(String v) { return set("log_level", v); }
        public Builder logLevelReplica(String v) { return set("log_level_replica", v); }
        public Builder logOnEachNode(boolean v) { return set("log_on_each_node", v); }
        public Builder loggingNanInfFilter(boolean v) { return set("logging_nan_inf_filter", v); }
        public Builder skipMemoryMetrics(boolean v) { return set("skip_memory_metrics", v); }
        public Builder includeTokensPerSecond(boolean v) { return set("include_tokens_per_second", v); }
        public Builder includeNumInputTokensSeen(boolean v) { return set("include_num_input_tokens_seen", v); }
        public Builder pushToHub(boolean v) { return set("push_to_hub", v); }
        public Builder hubModelId(String v) { return set("hub_model_id", v); }
        public Builder hubStrategy(String v) { return set("hub_strategy", v); }
        public Builder hubToken(String v) { return set("hub_token", v); }
        public Builder hubPrivateRepo(boolean v) { return set("hub_private_repo", v); }
        public Builder hubAlwaysPush(boolean v) { return set("hub_always_push", v); }
        public Builder debug(String v) { return set("debug", v); }
        public Builder pastIndex(int v) { return set("past_index", v); }
        public Builder rayScope(String v) { return set("ray_scope", v); }
        public Builder torchdynamo(String v) { return set("torchdynamo", v); }
        public Builder useMpsDevice(boolean v) { return set("use_mps_device", v); }
        /** eval_strategy by its HF spelling (no, steps, epoch). */
        public Builder evalStrategy(String v) { return set("eval_strategy", v); }
        /** save_strategy by its HF spelling (no, steps, epoch, best). */
        public Builder saveStrategy(String v) { return set("save_strategy", v); }
        /** lr_scheduler_type by its HF spelling (linear, cosine, constant, constant_with_warmup). */
        public Builder lrSchedulerType(String v) { return set("lr_scheduler_type", v); }

        public TrainingArguments build() {
            return fromMap(values, "TrainingArguments.builder()");
        }
    }
}
