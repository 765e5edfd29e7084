package io.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torch.optim.AdamW over parameters by HF name: decoupled weight decay ({@code p -= lr·wd·p}),
 * biased moments, bias correction. Biases and LayerNorm weights get no decay (HF's
 * get_decay_parameter_names). Only parameters that require a gradient get state; a parameter that
 * becomes trainable later (gradual unfreezing) gets fresh state at the next step and, like torch's
 * per-parameter step, its own bias-correction count. Frozen parameters are skipped. Updates are in
 * place; temporaries live in a per-step sub-manager that is closed after the step.
 */
public final class AdamW extends Optimizer {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private final List<String> noDecay = new ArrayList<>();
    /** Every parameter given, so that ones unfrozen after construction can join. */
    private final Map<String, Parameter> candidates = new LinkedHashMap<>();
    /** Optimizer step at which a parameter joined (0 for those trainable from the start). */
    private final Map<String, Long> joinedAt = new LinkedHashMap<>();
    /** State read by {@link #load} for parameters that are not trainable yet. */
    private final Map<String, Tensor[]> pendingState = new LinkedHashMap<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long step;

    public AdamW(Map<String, Parameter> namedParameters, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        candidates.putAll(namedParameters);
        addNewlyTrainable();
    }

    /** Gives state to parameters that require a gradient but have none yet. */
    private void addNewlyTrainable() {
        for (Map.Entry<String, Parameter> e : candidates.entrySet()) {
            Parameter p = e.getValue();
            String name = e.getKey();
            if (!p.requiresGradient() || params.containsKey(name)) {
                continue;
            }
            NDArray w = p.getArray();
            params.put(name, p);
            expAvg.put(name, w.zerosLike());
            expAvgSq.put(name, w.zerosLike());
            joinedAt.put(name, step);
            if (!decays(name)) {
                noDecay.add(name);
            }
            Tensor[] saved = pendingState.remove(name);
            if (saved != null) {
                expAvg.get(name).set(saved[0].toFloats());
                expAvgSq.get(name).set(saved[1].toFloats());
                joinedAt.put(name, (long) saved[2].toFloats()[0]);
            }
        }
    }

    /** Whether a parameter currently gets updates (it may have been frozen again after joining). */
    private static boolean active(Parameter p) {
        return p.requiresGradient();
    }

    /** From training arguments (adam_beta1/2, adam_epsilon, weight_decay). */
    public static AdamW of(Map<String, Parameter> namedParameters, TrainingArguments args) {
        return new AdamW(namedParameters, args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), args.weightDecay());
    }

    /** HF's rule: no weight decay on biases and on LayerNorm weights. */
    public static boolean decays(String name) {
        return !(name.endsWith("bias") || name.contains("LayerNorm") || name.contains("layer_norm"));
    }

    @Override
    public List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }

    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public void step(double lr) {
        addNewlyTrainable();
        step++;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!active(e.getValue())) {
                continue;
            }
            long t = step - joinedAt.get(e.getKey());
            double bc1 = 1 - Math.pow(beta1, t);
            double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
            double stepSize = lr / bc1;
            NDArray w = e.getValue().getArray();
            try (NDManager tmp = w.getManager().newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(tmp);
                if (weightDecay != 0 && !noDecay.contains(e.getKey())) {
                    w.muli(1 - lr * weightDecay);
                }
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
                NDArray denom = attach(tmp, v.sqrt()).divi(bc2Sqrt).addi(eps);
                w.subi(attach(tmp, m.div(denom)).muli(stepSize));
            }
        }
    }

    @Override
    protected List<Parameter> live() {
        addNewlyTrainable();
        return params.values().stream().filter(AdamW::active).toList();
    }

    /** Writes exp_avg/exp_avg_sq per parameter and the step count (torch's state_dict content) to a safetensors file. */
    @Override
    public void save(Path file) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            tensors.put("state." + name + ".exp_avg", toTensor(expAvg.get(name)));
            tensors.put("state." + name + ".exp_avg_sq", toTensor(expAvgSq.get(name)));
            if (joinedAt.get(name) != 0) {
                tensors.put("state." + name + ".joined_at", Tensor.ofFloats(new long[] {1}, new float[] {joinedAt.get(name)}));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optim", "adamw_torch");
        meta.put("step", Long.toString(step));
        meta.put("betas", beta1 + "," + beta2);
        meta.put("eps", Double.toString(eps));
        meta.put("weight_decay", Double.toString(weightDecay));
        SafeTensors.write(file, tensors, meta);
    }

    /** Restores what {@link #save} wrote; every trainable parameter must have its state with the same shape. */
    @Override
    public void load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("optimizer state " + file + " is missing; resume from a checkpoint saved without save_only_model");
        }
        SafeTensors.Contents contents = SafeTensors.readWithMetadata(file);
        OptimizerState.checkSavedBy(file, contents.metadata(), "adamw_torch");
        Map<String, Tensor> tensors = contents.tensors();
        for (String name : params.keySet()) {
            copyInto(file, tensors, "state." + name + ".exp_avg", expAvg.get(name));
            copyInto(file, tensors, "state." + name + ".exp_avg_sq", expAvgSq.get(name));
            Tensor joined = tensors.get("state." + name + ".joined_at");
            joinedAt.put(name, joined == null ? 0L : (long) joined.toFloats()[0]);
        }
        // Parameters unfrozen during the saved run but frozen now get their state when they join again.
        for (String name : candidates.keySet()) {
            Tensor m = tensors.get("state." + name + ".exp_avg");
            Tensor v = tensors.get("state." + name + ".exp_avg_sq");
            if (!params.containsKey(name) && m != null && v != null) {
                Tensor joined = tensors.get("state." + name + ".joined_at");
                pendingState.put(name, new Tensor[] {m, v, joined != null ? joined : Tensor.ofFloats(new long[] {1}, new float[] {0})});
            }
        }
        String s = contents.metadata().get("step");
        step = s == null ? 0 : Long.parseLong(s);
    }

    private static void copyInto(Path file, Map<String, Tensor> tensors, String key, NDArray target) {
        Tensor t = tensors.get(key);
        if (t == null || !java.util.Arrays.equals(t.shape(), target.getShape().getShape())) {
            throw new BadInputException("optimizer state " + file + " has no tensor '" + key + "' of shape "
                    + target.getShape() + "; was it saved for another model?");
        }
        target.set(t.toFloats());
    }

    static Tensor toTensor(NDArray a) {
        return Tensor.ofFloats(a.getShape().getShape(), a.toFloatArray());
    }

    @Override
    public void close() {
        expAvg.values().forEach(NDArray::close);
        expAvgSq.values().forEach(NDArray::close);
    }
}
