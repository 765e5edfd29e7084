package io.finetune4j.train;

import io.finetune4j.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code optim} name and its {@code optim_args} ("key=value,key=value", as HF parses them),
 * checked: a name finetune4j has no optimizer for, or a key the optimizer does not take, is one line.
 */
public record OptimizerSpec(String name, Map<String, String> args) {
    /** The optim names implemented, with the optim_args keys each takes. */
    static final Map<String, List<String>> KEYS = Map.of(
            "adamw_torch", List.of(),
            "adamw_torch_fused", List.of(),
            "sgd", List.of("momentum", "dampening", "nesterov"),
            "adafactor", List.of("clip_threshold", "decay_rate", "beta1"));

    public static OptimizerSpec of(TrainingArguments t) {
        String name = t.optim() == null ? "" : t.optim().trim().toLowerCase(Locale.ROOT);
        if (!KEYS.containsKey(name)) {
            throw new BadInputException("optim '" + t.optim() + "' is not available; use adamw_torch, adamw_torch_fused, sgd or adafactor"
                    + (name.startsWith("adamw") ? " (adamw_torch_fused is adamw_torch's math)" : ""));
        }
        Map<String, String> args = new LinkedHashMap<>();
        String raw = t.optimArgs();
        if (raw != null && !raw.isBlank()) {
            for (String pair : raw.replace(" ", "").split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new BadInputException("optim_args '" + raw + "' must be key=value pairs separated by commas");
                }
                String key = pair.substring(0, eq);
                if (!KEYS.get(name).contains(key)) {
                    throw new BadInputException("optim_args key '" + key + "' is not taken by " + name
                            + (KEYS.get(name).isEmpty() ? " (it takes none)" : "; it takes " + KEYS.get(name)));
                }
                args.put(key, pair.substring(eq + 1));
            }
        }
        OptimizerSpec spec = new OptimizerSpec(name, args);
        for (String key : args.keySet()) {
            if (key.equals("nesterov")) {
                spec.flag(key);
            } else {
                spec.number(key, 0);
            }
        }
        if (spec.flag("nesterov") && (spec.number("momentum", 0) <= 0 || spec.number("dampening", 0) != 0)) {
            throw new BadInputException("optim_args nesterov=true needs momentum > 0 and dampening 0 (as torch.optim.SGD)");
        }
        return spec;
    }

    boolean has(String key) {
        return args.containsKey(key);
    }

    double number(String key, double fallback) {
        String v = args.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new BadInputException("optim_args " + key + "=" + v + " is not a number");
        }
    }

    boolean flag(String key) {
        String v = args.get(key);
        if (v == null) {
            return false;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new BadInputException("optim_args " + key + "=" + v + " must be true or false");
    }
}
