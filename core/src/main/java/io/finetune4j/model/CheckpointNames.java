package io.finetune4j.model;

import io.finetune4j.io.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps the tensor names of older or bare-model HF checkpoints onto the current names. */
final class CheckpointNames {
    static final String BASE_PREFIX = "bert.";

    private CheckpointNames() {}

    /**
     * Renames LayerNorm {@code gamma/beta} to {@code weight/bias} (HF's {@code _fix_key}) and adds the
     * {@code bert.} prefix when the checkpoint is a bare {@code BertModel} (no key starts with it).
     */
    static Map<String, Tensor> normalize(Map<String, Tensor> raw) {
        boolean bare = raw.keySet().stream().noneMatch(k -> k.startsWith(BASE_PREFIX));
        Map<String, Tensor> out = new LinkedHashMap<>();
        raw.forEach((name, t) -> {
            String n = name;
            if (n.endsWith(".gamma")) {
                n = n.substring(0, n.length() - ".gamma".length()) + ".weight";
            } else if (n.endsWith(".beta")) {
                n = n.substring(0, n.length() - ".beta".length()) + ".bias";
            }
            if (bare && (n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler."))) {
                n = BASE_PREFIX + n;
            }
            out.put(n, t);
        });
        return out;
    }

    /** The encoder layer index of an HF name, or -1. */
    static int layerIndex(String name) {
        String p = BASE_PREFIX + "encoder.layer.";
        if (!name.startsWith(p)) {
            return -1;
        }
        int end = name.indexOf('.', p.length());
        try {
            return Integer.parseInt(name.substring(p.length(), end < 0 ? name.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
