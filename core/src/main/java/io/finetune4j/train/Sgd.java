package io.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.nn.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * torch.optim.SGD (optim sgd): {@code d = g + wd·w} (coupled L2 decay, biases and LayerNorm weights
 * excluded as HF groups them), with momentum {@code b = μ·b + (1-dampening)·d} (b = d at the first
 * step) and Nesterov's {@code d = d + μ·b}; then {@code w -= lr·d}.
 */
public final class Sgd extends Optimizer {
    private final OptimizerState state;
    private final double weightDecay;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public Sgd(Map<String, Parameter> namedParameters, double weightDecay, double momentum, double dampening, boolean nesterov) {
        this.state = new OptimizerState("sgd", namedParameters);
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    public void step(double lr) {
        state.step++;
        for (String name : state.liveNames()) {
            NDArray w = state.candidates.get(name).getArray();
            Map<String, NDArray> s = state.of(name, w);
            state.steps.merge(name, 1L, Long::sum);
            try (NDManager tmp = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(tmp);
                NDArray d = g;
                if (weightDecay != 0 && AdamW.decays(name)) {
                    d = attach(tmp, g.add(attach(tmp, w.mul(weightDecay))));
                }
                if (momentum != 0) {
                    NDArray buf = s.get("momentum_buffer");
                    if (buf == null) {
                        buf = d.duplicate();
                        buf.attach(w.getManager());
                        s.put("momentum_buffer", buf);
                    } else {
                        buf.muli(momentum).addi(attach(tmp, d.mul(1 - dampening)));
                    }
                    d = nesterov ? attach(tmp, d.add(attach(tmp, buf.mul(momentum)))) : buf;
                }
                w.subi(attach(tmp, d.mul(lr)));
            }
        }
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
        state.save(file, Map.of("momentum", Double.toString(momentum), "weight_decay", Double.toString(weightDecay)));
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
