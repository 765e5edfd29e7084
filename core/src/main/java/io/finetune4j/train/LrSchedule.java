package io.finetune4j.train;

import io.finetune4j.train.TrainingArguments.SchedulerType;

/**
 * HF's get_scheduler learning-rate multipliers (a LambdaLR): the optimizer step with index
 * {@code step} (0-based) uses {@code baseLr × factor(step)}. The state is the number of steps taken.
 */
public final class LrSchedule {
    private final SchedulerType type;
    private final double baseLr;
    private final int warmupSteps;
    private final int totalSteps;
    private final double numCycles;
    private int lastStep;

    public LrSchedule(SchedulerType type, double baseLr, int warmupSteps, int totalSteps) {
        this(type, baseLr, warmupSteps, totalSteps, 0.5);
    }

    /** {@code numCycles}: cosine waves over the decay (HF's get_cosine_schedule_with_warmup, default 0.5 = down to 0). */
    public LrSchedule(SchedulerType type, double baseLr, int warmupSteps, int totalSteps, double numCycles) {
        this.numCycles = numCycles;
        this.type = type;
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The multiplier of the base learning rate at a step, with HF's formulas. */
    public double factor(int step) {
        return switch (type) {
            case CONSTANT -> 1.0;
            case CONSTANT_WITH_WARMUP -> step < warmupSteps ? (double) step / Math.max(1.0, warmupSteps) : 1.0;
            case LINEAR -> step < warmupSteps
                    ? (double) step / Math.max(1, warmupSteps)
                    : Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> {
                if (step < warmupSteps) {
                    yield (double) step / Math.max(1, warmupSteps);
                }
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress)));
            }
        };
    }

    /** The schedule the training arguments ask for (lr_scheduler_type with lr_scheduler_kwargs). */
    public static LrSchedule of(TrainingArguments args, int totalSteps) {
        return new LrSchedule(args.lrSchedulerType(), args.learningRate(), args.warmupSteps(totalSteps), totalSteps,
                numCycles(args.lrSchedulerType(), args.lrSchedulerKwargs()));
    }

    /**
     * Checks lr_scheduler_kwargs against the schedule (HF passes them to the schedule's function, which
     * takes num_cycles for cosine and nothing else for these four) and returns num_cycles.
     */
    public static double numCycles(SchedulerType type, java.util.Map<String, Object> kwargs) {
        double cycles = 0.5;
        if (kwargs == null) {
            return cycles;
        }
        for (java.util.Map.Entry<String, Object> e : kwargs.entrySet()) {
            if (type == SchedulerType.COSINE && e.getKey().equals("num_cycles")) {
                if (!(e.getValue() instanceof Number n) || !(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
                    throw new io.finetune4j.BadInputException("lr_scheduler_kwargs num_cycles must be a number > 0, got " + e.getValue());
                }
                cycles = n.doubleValue();
            } else {
                throw new io.finetune4j.BadInputException("lr_scheduler_kwargs key '" + e.getKey() + "' is not taken by the "
                        + type.name().toLowerCase(java.util.Locale.ROOT) + " schedule"
                        + (type == SchedulerType.COSINE ? " (it takes num_cycles)" : " (it takes none; cosine takes num_cycles)"));
            }
        }
        return cycles;
    }

    /** Learning rate for the next optimizer step (what HF logs as learning_rate: get_last_lr()). */
    public double currentLr() {
        return baseLr * factor(lastStep);
    }

    /** Advances one optimizer step. */
    public void step() {
        lastStep++;
    }

    public int lastStep() {
        return lastStep;
    }

    /** Restores the step count (scheduler.json's last_epoch). */
    public void setLastStep(int step) {
        this.lastStep = step;
    }

    /**
     * Writes scheduler.pt as HF's Trainer does ({@code torch.save(lr_scheduler.state_dict())} of the LambdaLR that
     * get_scheduler builds): base_lrs and _last_lr per param group, last_epoch = the steps taken, _step_count one more,
     * and one empty dict per group for the lr_lambdas (functools.partial objects keep no state).
     */
    public void saveStateDict(java.nio.file.Path file, int paramGroups) {
        java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
        java.util.List<Object> base = new java.util.ArrayList<>();
        java.util.List<Object> last = new java.util.ArrayList<>();
        java.util.List<Object> lambdas = new java.util.ArrayList<>();
        for (int g = 0; g < paramGroups; g++) {
            base.add(baseLr);
            last.add(currentLr());
            lambdas.add(new java.util.LinkedHashMap<>());
        }
        s.put("base_lrs", base);
        s.put("last_epoch", lastStep);
        s.put("verbose", false);
        s.put("_step_count", lastStep + 1);
        s.put("_get_lr_called_within_step", false);
        s.put("_last_lr", last);
        s.put("lr_lambdas", lambdas);
        io.finetune4j.io.TorchSave.write(file, s);
    }

    /** The steps taken (last_epoch) from a scheduler.pt of HF's Trainer or of {@link #saveStateDict}; not yet applied. */
    public static int readLastStep(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new io.finetune4j.BadInputException("scheduler state " + file + " is missing; resume from a checkpoint saved without save_only_model");
        }
        Object root = io.finetune4j.io.TorchCheckpoint.readObject(file);
        if (!(root instanceof java.util.Map<?, ?> m) || !(m.get("last_epoch") instanceof Long last) || last < 0 || last > Integer.MAX_VALUE) {
            throw new io.finetune4j.BadInputException(file + " is not a learning-rate scheduler state_dict (no integer last_epoch)");
        }
        return last.intValue();
    }

    public double baseLr() {
        return baseLr;
    }

    public int warmupSteps() {
        return warmupSteps;
    }

    public int totalSteps() {
        return totalSteps;
    }

    public SchedulerType type() {
        return type;
    }
}
