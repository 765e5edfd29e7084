package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * torch.optim.Optimizer over parameters by HF name: what the Trainer needs from any optimizer (a step
 * at a learning rate, zeroing, unscaling and clipping the gradients, state saved in checkpoints).
 * {@link #create} picks the one named by the {@code optim} argument, as HF's
 * Trainer.get_optimizer_cls_and_kwargs does.
 */
public abstract class Optimizer implements AutoCloseable {

    /** The optimizer {@code args.optim()} names, with optim_args, adam_* and weight_decay. */
    public static Optimizer create(Map<String, Parameter> namedParameters, TrainingArguments args) {
        OptimizerSpec spec = OptimizerSpec.of(args);
        return switch (spec.name()) {
            case "adamw_torch", "adamw_torch_fused" -> AdamW.of(namedParameters, args);
            case "sgd" -> new Sgd(namedParameters, args.weightDecay(), spec.number("momentum", 0), spec.number("dampening", 0),
                    spec.flag("nesterov"));
            case "adafactor" -> new Adafactor(namedParameters, args.weightDecay(), spec.number("clip_threshold", 1.0),
                    spec.number("decay_rate", -0.8), spec.has("beta1") ? spec.number("beta1", 0) : null);
            default -> throw new IllegalStateException("unchecked optim " + spec.name());
        };
    }

    /** One update with learning rate {@code lr} from the gradients currently held by the parameters. */
    public abstract void step(double lr);

    /** Parameters that currently get updates (trainable now), in order. */
    protected abstract List<Parameter> live();

    /** Names of the parameters this optimizer updates, in order. */
    public abstract List<String> parameterNames();

    /** Optimizer steps taken. */
    public abstract long stepCount();

    /** Writes the optimizer state into a checkpoint file. */
    public abstract void save(Path file);

    /** Restores what {@link #save} wrote. */
    public abstract void load(Path file);

    /** Frees the state tensors. */
    @Override
    public abstract void close();

    /** Sets every gradient to zero (PyTorch accumulates gradients across backward calls). */
    public void zeroGrad() {
        for (Parameter p : live()) {
            p.data().zeroGrad();
        }
    }

    /**
     * Multiplies every gradient by {@code factor} in place (GradScaler's unscale) and reports whether
     * all of them are finite afterwards: any inf or NaN makes the total of all gradients non-finite,
     * which is read once (one device sync per step, not one per parameter).
     */
    public boolean scaleGradients(double factor) {
        List<Parameter> live = live();
        if (live.isEmpty()) {
            return true;
        }
        try (Scope tmp = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
            Tensor total = null;
            for (Parameter p : live) {
                Tensor g = p.data().grad();
                if (g == null) { // as torch: a parameter the loss did not reach has no gradient to scale
                    continue;
                }
                g.mul_(factor);
                Tensor sum = g.sum();
                total = total == null ? sum : total.add(sum);
            }
            return total == null || Double.isFinite(total.item());
        }
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm} (torch's
     * clip_grad_norm_, with its 1e-6) and returns the norm before clipping. maxNorm ≤ 0 only measures.
     */
    public double clipGradNorm(double maxNorm) {
        List<Parameter> live = live();
        try (Autograd noGrad = Autograd.noGrad()) {
            double sumSq = 0;
            for (Parameter p : live) {
                try (Scope tmp = Scope.open()) { // one gradient's square at a time
                    Tensor g = p.data().grad();
                    if (g != null) {
                        sumSq += g.square().sum().to(DType.FLOAT64).item();
                    }
                }
            }
            double norm = Math.sqrt(sumSq);
            double coef = maxNorm / (norm + 1e-6);
            if (maxNorm > 0 && coef < 1) {
                for (Parameter p : live) {
                    Tensor g = p.data().grad();
                    if (g != null) {
                        try (g) {
                            g.mul_(coef);
                        }
                    }
                }
            }
            return norm;
        }
    }
}
