package io.finetune4j.data;

import io.finetune4j.BadInputException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code ClassLabel}: an int column whose values index {@link #names()}. Label -1 means
 * "no label" (HF's unsupervised IMDB split), as in HF.
 */
public record ClassLabel(List<String> names) implements Feature {
    public ClassLabel {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a ClassLabel needs at least one name");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new BadInputException("label names must be distinct, got " + names);
        }
    }

    public static ClassLabel of(String... names) {
        return new ClassLabel(List.of(names));
    }

    public int numClasses() {
        return names.size();
    }

    public String int2str(int id) {
        if (id < 0 || id >= names.size()) {
            throw new BadInputException("label id " + id + " is outside " + this + " (valid: 0.." + (names.size() - 1) + ")");
        }
        return names.get(id);
    }

    public int str2int(String name) {
        int id = names.indexOf(name);
        if (id < 0) {
            throw new BadInputException("label '" + name + "' is not one of " + names + "; give labelNames that include it");
        }
        return id;
    }

    /** True for a valid class id or -1 (no label). */
    public boolean accepts(int id) {
        return id >= -1 && id < names.size();
    }

    /** Name → id, for mapping many string labels. */
    public Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) index.put(names.get(i), i);
        return index;
    }

    public String typeName() {
        return "ClassLabel";
    }

    @Override
    public String toString() {
        return "ClassLabel(names=" + Texts.pyList(names) + ")";
    }
}
