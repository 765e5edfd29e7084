package io.finetune4j.data;

import java.util.List;
import java.util.Map;

/** Python-style rendering of values, so printed datasets look like HF's. */
final class Texts {
    private Texts() {}

    static String pyList(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(pyString(values.get(i)));
        }
        return sb.append(']').toString();
    }

    static String pyString(String s) {
        if (s == null) return "None";
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
    }

    static String pyValue(Object value, int maxText) {
        if (value == null) return "None";
        if (value instanceof String s) {
            return pyString(maxText > 0 && s.length() > maxText ? s.substring(0, maxText) + "…" : s);
        }
        if (value instanceof int[] ints) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < ints.length; i++) {
                if (i > 0) sb.append(", ");
                sb.append(ints[i]);
            }
            return sb.append(']').toString();
        }
        if (value instanceof float[] floats) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < floats.length; i++) {
                if (i > 0) sb.append(", ");
                sb.append(floats[i]);
            }
            return sb.append(']').toString();
        }
        return String.valueOf(value);
    }

    static String pyDict(Map<String, Object> row, int maxText) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(pyString(e.getKey())).append(": ").append(pyValue(e.getValue(), maxText));
        }
        return sb.append('}').toString();
    }
}
