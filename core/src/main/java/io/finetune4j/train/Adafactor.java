package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's transformers.optimization.Adafactor as the Trainer builds it for optim adafactor
 * (scale_parameter=False, relative_step=False, warmup_init=False, lr = the schedule's):
 * per parameter with its own step t, {@code β2t = 1 - t^decay_rate}; {@code u = g² + 1e-30};
 * a matrix keeps row and column means of u (factored second moment,
 * {@code v ≈ (row/mean(row)) ⊗ col}), a vector keeps u itself; the update
 * {@code g/√v} is divided by {@code max(1, RMS(update)/clip_threshold)}, times lr; optional first
 * moment with beta1; decoupled weight decay {@code w -= wd·lr·w} (biases and LayerNorm excluded, HF's
 * groups); then {@code w -= update}.
 */
public final class Adafactor extends Optimizer {
    private static final double EPS1 = 1e-30;
    private final OptimizerState state;
    private final double weightDecay;
    private final double clipThreshold;
    private final double decayRate;
    private final Double beta1;

    public Adafactor(Map<String, Parameter> namedParameters, double weightDecay, double clipThreshold, double decayRate, Double beta1) {
        this.state = new OptimizerState("adafactor", namedParameters);
        this.weightDecay = weightDecay;
        this.clipThreshold = clipThreshold;
        this.decayRate = decayRate;
        this.beta1 = beta1;
    }

    @Override
    public void step(double lr) {
        state.step++;
        for (String name : state.liveNames()) {
            Tensor w = state.candidates.get(name).data();
            Map<String, Tensor> s = state.of(name, w);
            long t = state.steps.merge(name, 1L, Long::sum);
            double beta2t = 1.0 - Math.pow(t, decayRate);
            int nd = w.dim();
            boolean factored = nd >= 2;
            try (Scope tmp = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                Tensor g = w.grad();
                if (g == null) { // as torch's optimizers: no gradient, no update
                    continue;
                }
                Tensor u = g.square().add(EPS1);
                Tensor update;
                if (factored) {
                    Tensor row = s.computeIfAbsent("exp_avg_sq_row", k -> zerosLike(u.mean(nd - 1, false)));
                    Tensor col = s.computeIfAbsent("exp_avg_sq_col", k -> zerosLike(u.mean(nd - 2, false)));
                    row.mul_(beta2t).add_(u.mean(nd - 1, false).mul(1 - beta2t));
                    col.mul_(beta2t).add_(u.mean(nd - 2, false).mul(1 - beta2t));
                    Tensor rowFactor = row.div(row.mean(nd - 2, true)).pow(-0.5);
                    Tensor colFactor = col.pow(-0.5);
                    Tensor approx = rowFactor.unsqueeze(nd - 1).mul(colFactor.unsqueeze(nd - 2));
                    update = approx.mul(g);
                } else {
                    Tensor v = s.computeIfAbsent("exp_avg_sq", k -> zerosLike(u));
                    v.mul_(beta2t).add_(u.mul(1 - beta2t));
                    update = v.pow(-0.5).mul(g);
                }
                Tensor rms = update.square().mean().sqrt();
                update.div_(rms.div(clipThreshold).maximum(1.0));
                update.mul_(lr);
                if (beta1 != null) {
                    Tensor like = update;
                    Tensor m = s.computeIfAbsent("exp_avg", k -> zerosLike(like));
                    m.mul_(beta1).add_(update.mul(1 - beta1));
                    update = m;
                }
                if (weightDecay != 0 && AdamW.decays(name)) {
                    w.mul_(1 - weightDecay * lr);
                }
                w.sub_(update);
            }
        }
    }

    /** A state tensor that lives as long as the optimizer, starting at zero as torch's. */
    private static Tensor zerosLike(Tensor shapeOf) {
        return OptimizerState.keep(shapeOf.zerosLike());
    }

    @Override
    protected List<Parameter> live() {
        return state.live();
    }

    @Override
    public List<String> parameterNames() {
        return state.liveNames();
    }

    @Override
    public long stepCount() {
        return state.step;
    }

    @Override
    public void save(Path file) {
        Map<String, String> hyper = new LinkedHashMap<>();
        hyper.put("clip_threshold", Double.toString(clipThreshold));
        hyper.put("decay_rate", Double.toString(decayRate));
        hyper.put("weight_decay", Double.toString(weightDecay));
        state.save(file, hyper);
    }

    @Override
    public void load(Path file) {
        state.load(file);
    }

    @Override
    public void close() {
        state.close();
    }
}
