package io.finetune4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code torch.nn.Module}: named submodules and parameters whose dotted paths are the HF state-dict names, and a
 * {@link #toString()} that prints like PyTorch's {@code print(model)}. Parameters are created with their values
 * (see {@link ParameterFactory}).
 */
public abstract class Module {
    private final Map<String, Module> submodules = new LinkedHashMap<>();
    private final Map<String, Parameter> ownParameters = new LinkedHashMap<>();
    private String typeNameOverride;

    protected <M extends Module> M register(String name, M module) {
        submodules.put(name, module);
        return module;
    }

    /**
     * Declares submodule {@code name} once (Candle's {@code vb.pp(name)}): {@code build} gets the parameter
     * factory of that attribute path, so the checkpoint name of every parameter is its attribute path.
     */
    protected <M extends Module> M register(String name, ParameterFactory f, Function<ParameterFactory, M> build) {
        return register(name, build.apply(f.child(name)));
    }

    protected Parameter register(String name, Parameter parameter) {
        ownParameters.put(name, parameter);
        return parameter;
    }

    /** Direct submodules by attribute name, in registration order. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(submodules);
    }

    /** All parameters by dotted path (torch's {@code named_parameters()} order: own first, then children). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        ownParameters.forEach((name, p) -> out.putIfAbsent(prefix + name, p));
        submodules.forEach((name, m) -> m.collect(prefix + name + ".", out));
    }

    /** The name PyTorch prints ({@code Linear}, {@code BertLayer}, ...). */
    protected String typeName() {
        return typeNameOverride != null ? typeNameOverride : getClass().getSimpleName();
    }

    /**
     * Renames the printed class names starting with {@code from} in this subtree: a family that reuses another's
     * modules prints HF's names for them ({@code BertLayer} → {@code RobertaLayer}, as HF's "Copied from … with Bert->Roberta").
     */
    public void renameFamily(String from, String to) {
        String t = typeName();
        if (t.startsWith(from)) {
            typeNameOverride = to + t.substring(from.length());
        }
        submodules.values().forEach(m -> m.renameFamily(from, to));
    }

    /** torch's {@code extra_repr()}: the one-line arguments of a leaf module, empty for containers. */
    protected String extraRepr() {
        return "";
    }

    /** Prints like {@code torch.nn.Module.__repr__}. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            lines.addAll(List.of(extra.split("\n")));
        }
        int extraLines = lines.size();
        submodules.forEach((name, m) -> lines.add("(" + name + "): " + addIndent(m.toString(), 2)));
        StringBuilder sb = new StringBuilder(typeName()).append('(');
        if (!lines.isEmpty()) {
            if (extraLines == 1 && submodules.isEmpty()) {
                sb.append(lines.get(0));
            } else {
                sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
            }
        }
        return sb.append(')').toString();
    }

    protected static String addIndent(String s, int spaces) {
        String[] parts = s.split("\n", -1);
        if (parts.length == 1) {
            return s;
        }
        String pad = " ".repeat(spaces);
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append('\n').append(pad).append(parts[i]);
        }
        return sb.toString();
    }
}
