package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
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
            Tensor w = state.candidates.get(name).data();
            Map<String, Tensor> s = state.of(name, w);
            state.steps.merge(name, 1L, Long::sum);
            try (Scope tmp = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                Tensor g = w.grad();
                if (g == null) { // as torch's optimizers: no gradient, no update
                    continue;
                }
                Tensor d = g;
                if (weightDecay != 0 && AdamW.decays(name)) {
                    d = g.add(w.mul(weightDecay));
                }
                if (momentum != 0) {
                    Tensor buf = s.get("momentum_buffer");
                    if (buf == null) {
                        buf = OptimizerState.keep(d.clone());
                        s.put("momentum_buffer", buf);
                    } else {
                        buf.mul_(momentum).add_(d.mul(1 - dampening));
                    }
                    d = nesterov ? d.add(buf.mul(momentum)) : buf;
                }
                w.sub_(d.mul(lr));
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
