package io.finetune4j.models;

import io.finetune4j.io.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps the tensor names of older or bare-model HF checkpoints onto the current names. */
final class CheckpointNames {
    private CheckpointNames() {}

    /**
     * Renames LayerNorm {@code gamma/beta} to {@code weight/bias} (HF's {@code _fix_key}) and, when the
     * checkpoint is a bare base model (no key starts with {@code basePrefix + "."}), puts that prefix in front
     * of every key, as HF's {@code from_pretrained} does when loading a base checkpoint into a head.
     */
    static Map<String, Tensor> normalize(Map<String, Tensor> raw, String basePrefix) {
        String prefix = basePrefix + ".";
        boolean bare = raw.keySet().stream().noneMatch(k -> k.startsWith(prefix));
        Map<String, Tensor> out = new LinkedHashMap<>();
        raw.forEach((name, t) -> {
            String n = name;
            if (n.endsWith(".gamma")) {
                n = n.substring(0, n.length() - ".gamma".length()) + ".weight";
            } else if (n.endsWith(".beta")) {
                n = n.substring(0, n.length() - ".beta".length()) + ".bias";
            }
            out.put(bare ? prefix + n : n, t);
        });
        return out;
    }
}
