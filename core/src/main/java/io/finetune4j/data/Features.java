package io.finetune4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ordered column name → {@link Feature}, like HF's {@code Features}. Immutable. */
public final class Features {
    private final Map<String, Feature> features;

    public Features(Map<String, Feature> features) {
        this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    public Feature get(String column) {
        return features.get(column);
    }

    /** The ClassLabel of a column, or null when that column is not a ClassLabel. */
    public ClassLabel classLabel(String column) {
        return features.get(column) instanceof ClassLabel c ? c : null;
    }

    /**
     * The classes of a label column: its ClassLabel, or the ClassLabel inside a {@code Sequence(ClassLabel)}
     * (multi-label); null otherwise.
     */
    public ClassLabel labelClasses(String column) {
        Feature f = features.get(column);
        if (f instanceof Feature.Sequence s && s.feature() instanceof ClassLabel c) {
            return c;
        }
        return f instanceof ClassLabel c ? c : null;
    }

    public List<String> names() {
        return new ArrayList<>(features.keySet());
    }

    public Map<String, Feature> asMap() {
        return features;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Features f && f.features.equals(features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Feature> e : features.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(Texts.pyString(e.getKey())).append(": ").append(e.getValue());
        }
        return sb.append('}').toString();
    }
}
