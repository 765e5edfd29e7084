package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
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
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvgSq = new LinkedHashMap<>();
    private final List<String> noDecay = new ArrayList<>();
    /** Every parameter given, so that ones unfrozen after construction can join. */
    private final Map<String, Parameter> candidates = new LinkedHashMap<>();
    /** Optimizer step at which a parameter joined (0 for those trainable from the start). */
    private final Map<String, Long> joinedAt = new LinkedHashMap<>();
    /** State read by {@link #load} for parameters that are not trainable yet. */
    private final Map<String, io.finetune4j.io.Tensor[]> pendingState = new LinkedHashMap<>();
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
            if (!p.requiresGrad() || params.containsKey(name)) {
                continue;
            }
            Tensor w = p.data();
            params.put(name, p);
            expAvg.put(name, OptimizerState.keep(w.zerosLike()));
            expAvgSq.put(name, OptimizerState.keep(w.zerosLike()));
            joinedAt.put(name, step);
            if (!decays(name)) {
                noDecay.add(name);
            }
            io.finetune4j.io.Tensor[] saved = pendingState.remove(name);
            if (saved != null) {
                set(expAvg.get(name), saved[0].toFloats());
                set(expAvgSq.get(name), saved[1].toFloats());
                joinedAt.put(name, (long) saved[2].toFloats()[0]);
            }
        }
    }

    /** Whether a parameter currently gets updates (it may have been frozen again after joining). */
    private static boolean active(Parameter p) {
        return p.requiresGrad();
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
            Tensor w = e.getValue().data();
            try (Scope tmp = Scope.open(); Autograd noGrad = Autograd.noGrad()) {
                Tensor g = w.grad();
                if (g == null) { // as torch's optimizers: no gradient, no update
                    continue;
                }
                if (weightDecay != 0 && !noDecay.contains(e.getKey())) {
                    w.mul_(1 - lr * weightDecay);
                }
                // torch's single-tensor AdamW, op for op: in-place updates and one temporary (denom) per parameter
                Tensor m = expAvg.get(e.getKey());
                Tensor v = expAvgSq.get(e.getKey());
                m.lerp_(g, 1 - beta1);
                v.mul_(beta2).addcmul_(g, g, 1 - beta2);
                Tensor denom = v.sqrt().div_(bc2Sqrt).add_(eps);
                w.addcdiv_(m, denom, -stepSize);
            }
        }
    }

    @Override
    protected List<Parameter> live() {
        addNewlyTrainable();
        return params.values().stream().filter(AdamW::active).toList();
    }

    /**
     * HF's create_optimizer layout: group 0 = the decayed parameters (weight_decay), group 1 = the rest (0.0), each in
     * named_parameters order; torch numbers the parameters 0.. across group 0 then group 1.
     */
    public List<List<String>> paramGroups() {
        List<String> decayed = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String name : params.keySet()) {
            (noDecay.contains(name) ? rest : decayed).add(name);
        }
        return List.of(decayed, rest);
    }

    /**
     * Writes optimizer.pt as HF's Trainer does ({@code torch.save(optimizer.state_dict())} of torch's AdamW): per
     * parameter index {@code step} (a float32 scalar tensor), {@code exp_avg}, {@code exp_avg_sq}; two param_groups
     * (see {@link #paramGroups}) with torch's hyper-parameters, the current {@code lr} and the scheduler's
     * {@code initial_lr}, plus {@code param_names} (as torch 2.6+ writes for named parameters) so that a run that unfroze
     * parameters part-way maps its indices back by name. A parameter that never took a step has no state entry.
     */
    public void saveStateDict(Path file, double lr, double initialLr) {
        Map<Object, Object> state = new LinkedHashMap<>();
        List<Object> groups = new ArrayList<>();
        int index = 0;
        List<List<String>> layout = paramGroups();
        for (int g = 0; g < layout.size(); g++) {
            List<Object> indices = new ArrayList<>();
            for (String name : layout.get(g)) {
                long taken = step - joinedAt.get(name);
                if (taken > 0) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("step", io.finetune4j.io.Tensor.ofFloats(new long[0], new float[] {taken}));
                    s.put("exp_avg", toTensor(expAvg.get(name)));
                    s.put("exp_avg_sq", toTensor(expAvgSq.get(name)));
                    state.put(index, s);
                }
                indices.add(index++);
            }
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("weight_decay", g == 0 ? weightDecay : 0.0);
            group.put("lr", lr);
            group.put("betas", io.finetune4j.io.TorchSave.Tuple.of(beta1, beta2));
            group.put("eps", eps);
            group.put("amsgrad", false);
            group.put("foreach", null);
            group.put("maximize", false);
            group.put("capturable", false);
            group.put("initial_lr", initialLr);
            group.put("params", indices);
            group.put("param_names", new ArrayList<Object>(layout.get(g)));
            groups.add(group);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("state", state);
        root.put("param_groups", groups);
        io.finetune4j.io.TorchSave.write(file, root);
    }

    /**
     * Restores optimizer.pt (HF's Trainer's or {@link #saveStateDict}'s). Indices map to names by the groups'
     * {@code param_names} when present, else by {@link #paramGroups} (HF's layout over the parameters that train now);
     * a file whose groups or shapes do not fit this model is refused before anything changes.
     */
    @SuppressWarnings("unchecked")
    public void loadStateDict(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("optimizer state " + file + " is missing; resume from a checkpoint saved without save_only_model");
        }
        Object root = io.finetune4j.io.TorchCheckpoint.readObject(file);
        String bad = file + " is not an optimizer state_dict of AdamW for this model";
        if (!(root instanceof Map<?, ?> m) || !(m.get("state") instanceof Map<?, ?> state) || !(m.get("param_groups") instanceof List<?> groups)) {
            throw new BadInputException(bad + " (no 'state' dict and 'param_groups' list)");
        }
        List<List<String>> layout = paramGroups();
        if (groups.size() != layout.size()) {
            throw new BadInputException(bad + ": it has " + groups.size() + " param_groups, HF's Trainer writes " + layout.size()
                    + " (decayed, not decayed)");
        }
        Map<Long, String> names = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            if (!(groups.get(g) instanceof Map<?, ?> group) || !(group.get("params") instanceof List<?> indices)) {
                throw new BadInputException(bad + ": param_groups[" + g + "] has no 'params' list");
            }
            List<?> given = group.get("param_names") instanceof List<?> l ? l : null;
            if (given == null && indices.size() != layout.get(g).size()) {
                throw new BadInputException(bad + ": param_groups[" + g + "] holds " + indices.size() + " parameters but this model trains "
                        + layout.get(g).size() + " in that group; was it saved for another model or other frozen layers?");
            }
            if (given != null && given.size() != indices.size()) {
                throw new BadInputException(bad + ": param_groups[" + g + "] has " + indices.size() + " params but " + given.size() + " param_names");
            }
            for (int i = 0; i < indices.size(); i++) {
                if (!(indices.get(i) instanceof Long idx)) {
                    throw new BadInputException(bad + ": param_groups[" + g + "].params holds a non-integer");
                }
                String name = given != null ? String.valueOf(given.get(i)) : layout.get(g).get(i);
                if (!candidates.containsKey(name)) {
                    throw new BadInputException(bad + ": it has state for '" + name + "', which this model does not have");
                }
                names.put(idx, name);
            }
        }
        // check every entry before changing anything
        Map<String, io.finetune4j.io.Tensor[]> loaded = new LinkedHashMap<>();
        long maxStep = 0;
        for (Map.Entry<?, ?> e : state.entrySet()) {
            String name = names.get(e.getKey() instanceof Long l ? l : null);
            if (name == null || !(e.getValue() instanceof Map<?, ?> s)) {
                throw new BadInputException(bad + ": state key " + e.getKey() + " is in no param_group");
            }
            long[] shape = candidates.get(name).shape();
            io.finetune4j.io.Tensor[] t = new io.finetune4j.io.Tensor[3];
            String[] keys = {"exp_avg", "exp_avg_sq", "step"};
            for (int k = 0; k < 3; k++) {
                Object v = s.get(keys[k]);
                if (v instanceof Double d && k == 2) {
                    v = io.finetune4j.io.Tensor.ofFloats(new long[0], new float[] {d.floatValue()});
                } else if (v instanceof Long l && k == 2) {
                    v = io.finetune4j.io.Tensor.ofFloats(new long[0], new float[] {l});
                }
                if (!(v instanceof io.finetune4j.io.Tensor tensor) || (k < 2 && !java.util.Arrays.equals(tensor.shape(), shape)) || (k == 2 && tensor.numel() != 1)) {
                    throw new BadInputException(bad + ": the state of '" + name + "' has no " + keys[k]
                            + (k < 2 ? " of shape " + java.util.Arrays.toString(shape) : " count") + "; was it saved for another model?");
                }
                t[k] = tensor;
            }
            maxStep = Math.max(maxStep, (long) t[2].toFloats()[0]);
            loaded.put(name, t);
        }
        step = maxStep;
        pendingState.clear();
        for (String name : params.keySet()) {
            io.finetune4j.io.Tensor[] t = loaded.remove(name);
            if (t == null) {
                set(expAvg.get(name), new float[(int) expAvg.get(name).numel()]);
                set(expAvgSq.get(name), new float[(int) expAvgSq.get(name).numel()]);
                joinedAt.put(name, step);
            } else {
                set(expAvg.get(name), t[0].toFloats());
                set(expAvgSq.get(name), t[1].toFloats());
                joinedAt.put(name, step - (long) t[2].toFloats()[0]);
            }
        }
        // parameters unfrozen during the saved run but frozen now get their state when they join again
        loaded.forEach((name, t) -> pendingState.put(name, new io.finetune4j.io.Tensor[] {t[0], t[1],
                io.finetune4j.io.Tensor.ofFloats(new long[] {1}, new float[] {step - (long) t[2].toFloats()[0]})}));
    }

    /**
     * Writes exp_avg/exp_avg_sq per parameter and the step count to a safetensors file: finetune4j's optimizer.safetensors
     * from before checkpoints held HF's optimizer.pt ({@link #saveStateDict}); kept so that old checkpoints stay readable
     * and tested.
     */
    @Override
    public void save(Path file) {
        Map<String, io.finetune4j.io.Tensor> tensors = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            tensors.put("state." + name + ".exp_avg", toTensor(expAvg.get(name)));
            tensors.put("state." + name + ".exp_avg_sq", toTensor(expAvgSq.get(name)));
            if (joinedAt.get(name) != 0) {
                tensors.put("state." + name + ".joined_at", io.finetune4j.io.Tensor.ofFloats(new long[] {1}, new float[] {joinedAt.get(name)}));
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

    /** Restores what {@link #save} wrote (finetune4j's optimizer.safetensors before optimizer.pt); every trainable parameter must have its state with the same shape. */
    @Override
    public void load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("optimizer state " + file + " is missing; resume from a checkpoint saved without save_only_model");
        }
        SafeTensors.Contents contents = SafeTensors.readWithMetadata(file);
        OptimizerState.checkSavedBy(file, contents.metadata(), "adamw_torch");
        Map<String, io.finetune4j.io.Tensor> tensors = contents.tensors();
        for (String name : params.keySet()) {
            copyInto(file, tensors, "state." + name + ".exp_avg", expAvg.get(name));
            copyInto(file, tensors, "state." + name + ".exp_avg_sq", expAvgSq.get(name));
            io.finetune4j.io.Tensor joined = tensors.get("state." + name + ".joined_at");
            joinedAt.put(name, joined == null ? 0L : (long) joined.toFloats()[0]);
        }
        // Parameters unfrozen during the saved run but frozen now get their state when they join again.
        for (String name : candidates.keySet()) {
            io.finetune4j.io.Tensor m = tensors.get("state." + name + ".exp_avg");
            io.finetune4j.io.Tensor v = tensors.get("state." + name + ".exp_avg_sq");
            if (!params.containsKey(name) && m != null && v != null) {
                io.finetune4j.io.Tensor joined = tensors.get("state." + name + ".joined_at");
                pendingState.put(name, new io.finetune4j.io.Tensor[] {m, v, joined != null ? joined : io.finetune4j.io.Tensor.ofFloats(new long[] {1}, new float[] {0})});
            }
        }
        String s = contents.metadata().get("step");
        step = s == null ? 0 : Long.parseLong(s);
    }

    private static void copyInto(Path file, Map<String, io.finetune4j.io.Tensor> tensors, String key, Tensor target) {
        io.finetune4j.io.Tensor t = tensors.get(key);
        if (t == null || !java.util.Arrays.equals(t.shape(), target.shape())) {
            throw new BadInputException("optimizer state " + file + " has no tensor '" + key + "' of shape "
                    + java.util.Arrays.stream(target.shape()).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(", ", "(", ")"))
                    + "; was it saved for another model?");
        }
        set(target, t.toFloats());
    }

    /** Overwrites a state tensor's values ({@code state.copy_(torch.tensor(values))}). */
    private static void set(Tensor target, float[] values) {
        try (Tensor src = Tensor.of(values, target.shape())) {
            target.copy_(src);
        }
    }

    static io.finetune4j.io.Tensor toTensor(Tensor a) {
        return io.finetune4j.io.Tensor.ofFloats(a.shape(), a.toFloatArray());
    }

    @Override
    public void close() {
        expAvg.values().forEach(Tensor::close);
        expAvgSq.values().forEach(Tensor::close);
    }
}
