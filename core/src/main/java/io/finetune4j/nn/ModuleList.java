package io.finetune4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** torch's {@code nn.ModuleList}: children named 0, 1, ...; the owner runs them ({@link #items()}). */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public M add(M module) {
        register(String.valueOf(items.size()), module);
        items.add(module);
        return module;
    }

    /** {@code n} modules built from the factories of indices 0..n-1 (torch's {@code ModuleList([... for _ in range(n)])}). */
    public static <M extends Module> ModuleList<M> of(ParameterFactory f, int n, Function<ParameterFactory, M> build) {
        ModuleList<M> list = new ModuleList<>();
        for (int i = 0; i < n; i++) {
            list.add(f, build);
        }
        return list;
    }

    /** Appends the module {@code build} makes from the factory of the next index ({@code f.child("0")}, ...). */
    public M add(ParameterFactory f, Function<ParameterFactory, M> build) {
        return add(build.apply(f.child(String.valueOf(items.size()))));
    }

    public List<M> items() {
        return List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    /** Like torch: consecutive identical children print once as {@code (0-11): 12 x BertLayer(...)}. */
    @Override
    public String toString() {
        if (items.isEmpty()) {
            return "ModuleList()";
        }
        List<String> reprs = items.stream().map(Module::toString).toList();
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= reprs.size(); i++) {
            if (i == reprs.size() || !reprs.get(i).equals(reprs.get(start))) {
                int end = i - 1;
                String block = reprs.get(start);
                String local = start == end ? "(" + start + "): " + block
                        : "(" + start + "-" + end + "): " + (end - start + 1) + " x " + block;
                lines.add(addIndent(local, 2));
                start = i;
            }
        }
        return "ModuleList(\n  " + String.join("\n  ", lines) + "\n)";
    }
}
