package io.finetune4j.train;

import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-parameter state tensors, created when a parameter first gets an update (as torch's
 * optimizer.state), for the optimizers without AdamW's joining bookkeeping: saved as one safetensors
 * file with the optimizer's name in the metadata so that a resume with another optim fails clearly.
 */
final class OptimizerState implements AutoCloseable {
    private final String optim;
    /** Every parameter given, so that ones unfrozen later join at their first step. */
    final Map<String, Parameter> candidates = new LinkedHashMap<>();
    /** name → state key → tensor. */
    final Map<String, Map<String, Tensor>> state = new LinkedHashMap<>();
    /** name → its own step count (torch keeps state["step"] per parameter). */
    final Map<String, Long> steps = new LinkedHashMap<>();
    /** State read by {@link #load} for parameters that are not trainable yet. */
    private final Map<String, Map<String, io.finetune4j.io.Tensor>> pending = new LinkedHashMap<>();
    long step;

    OptimizerState(String optim, Map<String, Parameter> namedParameters) {
        this.optim = optim;
        candidates.putAll(namedParameters);
    }

    List<Parameter> live() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : candidates.values()) {
            if (p.requiresGrad()) {
                out.add(p);
            }
        }
        return out;
    }

    List<String> liveNames() {
        List<String> out = new ArrayList<>();
        candidates.forEach((name, p) -> {
            if (p.requiresGrad()) {
                out.add(name);
            }
        });
        return out;
    }

    /** The state of a parameter: restored if a checkpoint had it, else empty (the optimizer fills it). */
    Map<String, Tensor> of(String name, Tensor weight) {
        Map<String, Tensor> s = state.get(name);
        if (s == null) {
            s = new LinkedHashMap<>();
            state.put(name, s);
            steps.put(name, 0L);
            Map<String, io.finetune4j.io.Tensor> saved = pending.remove(name);
            if (saved != null) {
                for (Map.Entry<String, io.finetune4j.io.Tensor> e : saved.entrySet()) {
                    if (e.getKey().equals("step")) {
                        steps.put(name, (long) e.getValue().toFloats()[0]);
                    } else {
                        s.put(e.getKey(), keep(Tensor.of(e.getValue().toFloats(), e.getValue().shape()).to(weight.device())));
                    }
                }
            }
        }
        return s;
    }

    /** A state tensor lives as long as the optimizer: out of the step's scope. */
    static Tensor keep(Tensor t) {
        return Scope.detachFromScopes(t);
    }

    void save(Path file, Map<String, String> hyper) {
        Map<String, io.finetune4j.io.Tensor> tensors = new LinkedHashMap<>();
        state.forEach((name, s) -> {
            s.forEach((key, a) -> tensors.put("state." + name + "." + key, AdamW.toTensor(a)));
            tensors.put("state." + name + ".step", io.finetune4j.io.Tensor.ofFloats(new long[] {1}, new float[] {steps.get(name)}));
        });
        Map<String, String> meta = new LinkedHashMap<>(hyper);
        meta.put("optim", optim);
        meta.put("step", Long.toString(step));
        SafeTensors.write(file, tensors, meta);
    }

    void load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("optimizer state " + file + " is missing; resume from a checkpoint saved without save_only_model");
        }
        SafeTensors.Contents contents = SafeTensors.readWithMetadata(file);
        checkSavedBy(file, contents.metadata(), optim);
        close();
        state.clear();
        steps.clear();
        pending.clear();
        for (Map.Entry<String, io.finetune4j.io.Tensor> e : contents.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            String name = key.substring("state.".length(), dot);
            if (!candidates.containsKey(name)) {
                throw new BadInputException("optimizer state " + file + " has state for '" + name + "', which this model lacks; was it saved for another model?");
            }
            pending.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(key.substring(dot + 1), e.getValue());
        }
        String s = contents.metadata().get("step");
        step = s == null ? 0 : Long.parseLong(s);
    }

    /** A checkpoint's optimizer file must come from the same optim. */
    static void checkSavedBy(Path file, Map<String, String> metadata, String optim) {
        String saved = metadata.getOrDefault("optim", "adamw_torch");
        if (!saved.equals(optim)) {
            throw new BadInputException("optimizer state " + file + " was saved by optim " + saved + " but this run uses " + optim
                    + "; resume with optim " + saved + " or start a fresh run");
        }
    }

    @Override
    public void close() {
        state.values().forEach(s -> s.values().forEach(Tensor::close));
    }
}
