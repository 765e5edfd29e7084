package io.finetune4j.train;

import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.nn.GradientCheckpointing;
import io.finetune4j.nn.Losses;
import io.finetune4j.torch.Autocast;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import io.finetune4j.torch.Torch;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimizer step, the way {@link Trainer#train()} runs it and {@code bench train-step} times it:
 * <ol>
 *   <li>reseed the generator from (seed, global step), so dropout masks do not depend on where a run was resumed;</li>
 *   <li>forward + backward over the micro-batches of the step (gradient accumulation), each loss weighted by its
 *       share of the step's rows and multiplied by the fp16 loss scale; with gradient_checkpointing the encoder layers
 *       run without a graph and are recomputed in the backward ({@link GradientCheckpointing});</li>
 *   <li>unscale (fp16), clip to max_grad_norm, AdamW step at the schedule's learning rate, schedule step;</li>
 *   <li>zero the gradients.</li>
 * </ol>
 * A step whose loss is not finite changes nothing (gradients are zeroed, no update) and says so in its result.
 */
public final class TrainingStep {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingStep.class);

    private final SequenceClassifier model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final GradScaler scaler;
    private final TrainingArguments args;
    private BatchForward forward;
    private ComputeLossFunc lossFunc;
    private io.finetune4j.train.distributed.DistributedDataParallel ddp;
    private java.util.function.Supplier<List<io.finetune4j.nn.Parameter>> trainable;

    /**
     * What one step did. {@code gradNorm} is NaN when fp16 gradients overflowed (update skipped); the
     * seconds split the step into forward, backward (with the gradients' all-reduce of several ranks) and optimizer (update
     * + zero grad); {@code allReduceSeconds} is the part of the backward's spent in all-reduces after the backward returned
     * (the gradients' when they are not reduced during it, else only the step's loss and counts; 0 for one process).
     */
    public record Result(double loss, double gradNorm, boolean applied, long tokens, long positions, int rows,
            double forwardSeconds, double backwardSeconds, double optimizerSeconds, double allReduceSeconds) {
        public boolean lossFinite() {
            return Double.isFinite(loss);
        }

        public double seconds() {
            return forwardSeconds + backwardSeconds + optimizerSeconds;
        }
    }

    /** {@code scaler} is null unless fp16. */
    public TrainingStep(SequenceClassifier model, Optimizer optimizer, LrSchedule schedule, GradScaler scaler, TrainingArguments args) {
        this.model = Objects.requireNonNull(model);
        this.optimizer = Objects.requireNonNull(optimizer);
        this.schedule = Objects.requireNonNull(schedule);
        this.scaler = scaler;
        this.args = Objects.requireNonNull(args);
        this.forward = BatchForward.of(model);
    }

    /** Trainer(compute_loss_func=...): this loss instead of the model's (null: the model's). */
    void lossFunc(ComputeLossFunc f) {
        this.lossFunc = f;
    }

    /**
     * Data-parallel: after the micro-batches' backward, the gradients of {@code trainable} (asked each step: callbacks
     * may unfreeze) are averaged over the ranks, and the step's loss, rows and tokens summed, before the update.
     */
    void distributed(io.finetune4j.train.distributed.DistributedDataParallel ddp,
            java.util.function.Supplier<List<io.finetune4j.nn.Parameter>> trainable) {
        this.ddp = ddp;
        this.trainable = trainable;
    }

    /** Runs the model from cached frozen features instead of from the token ids (cache_frozen_features). */
    void forward(BatchForward f) {
        this.forward = Objects.requireNonNull(f);
    }

    /**
     * Exact resume with dropout: the generator state of step {@code globalStep} is derived from (seed, step)
     * instead of being saved in the checkpoint (HF saves rng_state.pth). The engine exposes no way to read or
     * restore libtorch's generator state, and a derived seed needs nothing saved at all: a run resumed from
     * any checkpoint (or from a crash) draws the same dropout masks for step k as the uninterrupted run.
     * The data order is derived the same way, from data_seed and the epoch ({@link BatchOrder}).
     */
    public static int stepSeed(long seed, long globalStep) {
        long z = (seed << 32) ^ globalStep;
        z += 0x9E3779B97F4A7C15L; // SplitMix64's finalizer: neighbouring steps get unrelated seeds
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z ^ (z >>> 32));
    }

    /**
     * gradient_checkpointing: the seed of micro-batch {@code micro}'s layer dropout masks in step {@code globalStep}, drawn
     * again in the recompute (a function of the step, like {@link #stepSeed}, so resumed runs draw the same masks).
     */
    static long checkpointSeed(long seed, long globalStep, int micro) {
        return ((long) stepSeed(seed, globalStep) << 20) ^ micro;
    }

    /** Runs optimizer step number {@code globalStep + 1} (0-based {@code globalStep}) over {@code window}'s micro-batches. */
    public Result run(List<DataCollatorWithPadding.HostBatch> window, int globalStep) {
        Torch.manualSeed(stepSeed(args.seed(), globalStep));
        int rows = 0;
        for (DataCollatorWithPadding.HostBatch b : window) {
            rows += b.rows().length;
        }
        double loss = 0;
        long tokens = 0;
        long positions = 0;
        long forwardNanos = 0;
        long t0 = System.nanoTime();
        double lossScale = scaler == null ? 1.0 : scaler.scale();
        Device device = deviceOf(model);
        try (Scope step = Scope.open();
             Autograd grad = Autograd.enableGrad();
             Autocast autocast = autocast(device, computeType(args))) {
            for (int micro = 0; micro < window.size(); micro++) {
                long f0 = System.nanoTime();
                DataCollatorWithPadding.Batch batch = window.get(micro).toDevice(device);
                try (GradientCheckpointing checkpointing = args.gradientCheckpointing()
                        ? GradientCheckpointing.begin(checkpointSeed(args.seed(), globalStep, micro)) : null) {
                    Tensor mean = lossFunc != null ? lossFunc.compute(forward.logits(batch, true), batch.labels(), rows)
                            : loss(model, forward, batch, args.labelSmoothingFactor(), true);
                    double weight = (double) batch.size() / rows;
                    loss += mean.item() * weight; // reading the loss waits for the forward (a device sync on a GPU)
                    forwardNanos += System.nanoTime() - f0;
                    Tensor scaled = mean.mul(weight * lossScale);
                    boolean sync = ddp != null && micro == window.size() - 1 && checkpointing == null;
                    if (sync) {
                        ddp.beforeSyncBackward(scaled, trainable.get());
                    }
                    try {
                        scaled.backward();
                    } catch (RuntimeException e) {
                        throw sync ? ddp.backwardFailed(e) : e;
                    }
                    if (checkpointing != null) {
                        checkpointing.backward(); // the layers, recomputed from the top down
                    }
                }
                tokens += batch.tokens();
                positions += batch.inputIds().numel();
            }
        }
        long r0 = System.nanoTime();
        if (ddp != null) { // all_reduce once per optimizer step: the micro-batches above ran as under DDP's no_sync
            double[] sum = ddp.allReduceGradients(trainable.get(), new double[] {loss, rows, tokens, positions});
            loss = sum[0] / ddp.group().size(); // HF logs the mean of the ranks' losses
            rows = (int) sum[1];
            tokens = (long) sum[2];
            positions = (long) sum[3];
        }
        long t1 = System.nanoTime();
        double allReduceSeconds = (t1 - r0) / 1e9;
        double gradNorm = Double.NaN;
        boolean applied = false;
        if (Double.isFinite(loss)) {
            boolean gradientsFinite = scaler == null || scaler.unscale(optimizer);
            if (gradientsFinite) {
                gradNorm = optimizer.clipGradNorm(args.maxGradNorm());
                optimizer.step(schedule.currentLr());
                schedule.step();
                applied = true;
            } else {
                // fp16 gradients overflowed: skip the update (and, as HF, the schedule), try a smaller scale.
                LOG.warn("step {}: fp16 gradients overflowed; step skipped, loss scale {} -> {}", globalStep + 1,
                        scaler.scale(), scaler.scale() * GradScaler.BACKOFF_FACTOR);
            }
            if (scaler != null) {
                scaler.update(gradientsFinite);
            }
        }
        optimizer.zeroGrad();
        long t2 = System.nanoTime();
        return new Result(loss, gradNorm, applied, tokens, positions, rows,
                forwardNanos / 1e9, (t1 - t0 - forwardNanos) / 1e9, (t2 - t1) / 1e9, allReduceSeconds);
    }

    /**
     * HF's compute_loss: the mean training loss of one batch. The loss is the model's own (its problem_type:
     * cross-entropy, BCE or MSE, as HF's {@code forward(labels)}); with label_smoothing_factor HF's Trainer uses
     * its LabelSmoother (smoothed cross-entropy) instead, and so does this (for class-id labels; float labels of
     * regression and multi-label keep the model's loss).
     */
    static Tensor loss(SequenceClassifier model, BatchForward forward, DataCollatorWithPadding.Batch batch, double labelSmoothing,
            boolean training) {
        Tensor logits = forward.logits(batch, training);
        Tensor labels = batch.labels();
        boolean classIds = !labels.dtype().isFloatingPoint();
        return labelSmoothing > 0 && classIds ? Losses.crossEntropy(logits, labels, (float) labelSmoothing)
                : model.loss(logits, labels);
    }

    /**
     * The training forward's autocast dtype: bfloat16 with bf16, float16 with fp16, else none (float32 throughout).
     * Either way the master weights, their gradients and the optimizer state stay float32.
     */
    static DType computeType(TrainingArguments args) {
        return args.bf16() ? DType.BFLOAT16 : args.fp16() ? DType.FLOAT16 : null;
    }

    /**
     * {@code torch.autocast(device.type, dtype)} for the device the model runs on, or null (no autocast) when
     * {@code dtype} is null: try-with-resources accepts a null resource.
     */
    static Autocast autocast(Device device, DType dtype) {
        return dtype == null ? null : Autocast.enable(device.type(), dtype);
    }

    /** The device the model's parameters live on (where each batch goes). */
    static Device deviceOf(SequenceClassifier model) {
        for (io.finetune4j.nn.Parameter p : model.namedParameters().values()) {
            if (p.hasData()) {
                return p.data().device();
            }
        }
        return Device.cpu();
    }
}
