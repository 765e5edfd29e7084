package io.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.nn.Parameter;
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
            NDArray w = state.candidates.get(name).getArray();
            Map<String, NDArray> s = state.of(name, w);
            long t = state.steps.merge(name, 1L, Long::sum);
            double beta2t = 1.0 - Math.pow(t, decayRate);
            int nd = w.getShape().dimension();
            boolean factored = nd >= 2;
            try (NDManager tmp = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(tmp);
                NDArray u = attach(tmp, attach(tmp, g.square()).add(EPS1));
                NDArray update;
                if (factored) {
                    NDArray row = s.computeIfAbsent("exp_avg_sq_row", k -> keep(w, u.mean(new int[] {nd - 1})));
                    NDArray col = s.computeIfAbsent("exp_avg_sq_col", k -> keep(w, u.mean(new int[] {nd - 2})));
                    row.muli(beta2t).addi(attach(tmp, attach(tmp, u.mean(new int[] {nd - 1})).mul(1 - beta2t)));
                    col.muli(beta2t).addi(attach(tmp, attach(tmp, u.mean(new int[] {nd - 2})).mul(1 - beta2t)));
                    NDArray rowFactor = attach(tmp, attach(tmp, row.div(attach(tmp, row.mean(new int[] {nd - 2}, true)))).pow(-0.5));
                    NDArray colFactor = attach(tmp, col.pow(-0.5));
                    NDArray approx = attach(tmp, attach(tmp, rowFactor.expandDims(nd - 1)).mul(attach(tmp, colFactor.expandDims(nd - 2))));
                    update = attach(tmp, approx.mul(g));
                } else {
                    NDArray v = s.computeIfAbsent("exp_avg_sq", k -> keep(w, u.zerosLike()));
                    v.muli(beta2t).addi(attach(tmp, u.mul(1 - beta2t)));
                    update = attach(tmp, attach(tmp, v.pow(-0.5)).mul(g));
                }
                NDArray rms = attach(tmp, attach(tmp, attach(tmp, update.square()).mean()).sqrt());
                update.divi(attach(tmp, attach(tmp, rms.div(clipThreshold)).maximum(1.0)));
                update.muli(lr);
                if (beta1 != null) {
                    NDArray like = update;
                    NDArray m = s.computeIfAbsent("exp_avg", k -> keep(w, like.zerosLike()));
                    m.muli(beta1).addi(attach(tmp, update.mul(1 - beta1)));
                    update = m;
                }
                if (weightDecay != 0 && AdamW.decays(name)) {
                    w.muli(1 - weightDecay * lr);
                }
                w.subi(update);
            }
        }
    }

    /** A state tensor that lives as long as the weight, starting at zero as torch's. */
    private static NDArray keep(NDArray w, NDArray shapeOf) {
        NDArray z = w.getManager().zeros(shapeOf.getShape(), shapeOf.getDataType());
        shapeOf.close();
        return z;
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
