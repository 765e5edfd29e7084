package io.finetune4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's packages are layered: every reference from one package to another ({@code import} lines and qualified names,
 * Javadoc links included) points to a lower layer, so there is neither an upward arrow nor a cycle. A subpackage
 * belongs to its top-level package ({@code io.tf} is {@code io}, {@code models.bert} is {@code models}); packages on
 * one layer do not refer to each other. A new package has to be placed here (and in README's Layout) first.
 */
class LayeringTest {
    /** Bottom to top; the same line, with {@code ->}, is in README's Layout section. */
    static final String LAYERS = "io.finetune4j -> util, metrics, config -> io -> data -> tokenize -> nn -> models -> peft -> train -> pipeline -> tasks";

    private static final Path SOURCES = Path.of("core/src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    /** {@code io.finetune4j.<lower-case segments>.<Class>}: an import, a qualified name in code or a Javadoc link. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.finetune4j((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void everyReferenceBetweenCorePackagesPointsDown() throws IOException {
        Map<String, Integer> layer = layers();
        Map<String, Set<String>> arrows = arrows();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : arrows.entrySet()) {
            String[] fromTo = e.getKey().split(" -> ");
            Integer from = layer.get(fromTo[0]);
            Integer to = layer.get(fromTo[1]);
            if (from == null || to == null) {
                wrong.add("package " + (from == null ? fromTo[0] : fromTo[1]) + " has no layer in LayeringTest.LAYERS: " + e.getValue());
            } else if (to >= from) {
                wrong.add(e.getKey() + (to.equals(from) ? " (same layer)" : " (upward)") + ": " + e.getValue());
            }
        }
        assertTrue(wrong.isEmpty(), "layers " + LAYERS + " broken:\n" + String.join("\n", wrong));
        assertTrue(cycle(arrows).isEmpty(), "import cycle " + cycle(arrows));
    }

    @Test
    void theLayersAreTheOnesReadmeShows() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("`" + LAYERS + "`"), "README's Layout section shows the layers as `" + LAYERS + "`");
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> packages.add(top(packageOf(p))));
        }
        assertEquals(new TreeSet<>(layers().keySet()), packages, "every package of core has a layer, and no layer names a missing package");
    }

    @Test
    void theCheckFindsAnUpwardArrowAndACycle() {
        Map<String, Set<String>> arrows = new TreeMap<>();
        arrows.put("nn -> models", Set.of("nn/Module.java"));
        arrows.put("models -> nn", Set.of("models/bert/BertLayer.java"));
        assertEquals(List.of("models", "nn", "models"), cycle(arrows));
        assertTrue(layers().get("models") > layers().get("nn"), "nn -> models would be upward");
    }

    /** Package (top level under io.finetune4j; io.finetune4j itself for BadInputException) to its layer, bottom = 0. */
    static Map<String, Integer> layers() {
        Map<String, Integer> layer = new LinkedHashMap<>();
        String[] levels = LAYERS.split(" -> ");
        for (int i = 0; i < levels.length; i++) {
            for (String p : levels[i].split(", ")) {
                layer.put(p, i);
            }
        }
        return layer;
    }

    /** "from -> to" between different top-level packages, with the files that make each arrow. */
    private static Map<String, Set<String>> arrows() throws IOException {
        Map<String, Set<String>> arrows = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = top(packageOf(file));
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = top("io.finetune4j" + m.group(1));
                    if (!to.equals(from)) {
                        arrows.computeIfAbsent(from + " -> " + to, k -> new TreeSet<>()).add(SOURCES.relativize(file).toString());
                    }
                }
            }
        }
        return arrows;
    }

    private static String packageOf(Path file) {
        try {
            Matcher m = PACKAGE.matcher(Files.readString(file));
            return m.find() ? m.group(1) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String top(String pkg) {
        String[] parts = pkg.split("\\.");
        return parts.length > 2 ? parts[2] : "io.finetune4j";
    }

    /** A cycle among the arrows as the path that closes it, or an empty list. */
    static List<String> cycle(Map<String, Set<String>> arrows) {
        Map<String, List<String>> next = new TreeMap<>();
        for (String arrow : arrows.keySet()) {
            String[] fromTo = arrow.split(" -> ");
            next.computeIfAbsent(fromTo[0], k -> new ArrayList<>()).add(fromTo[1]);
        }
        Map<String, Integer> state = new TreeMap<>(); // 1: on the path, 2: done
        for (String start : next.keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(start, next, state, path)) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean visit(String node, Map<String, List<String>> next, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return false;
        }
        path.add(node);
        if (s != null) { // back on the path: keep only the cycle
            path.subList(0, path.indexOf(node)).clear();
            return true;
        }
        state.put(node, 1);
        for (String to : next.getOrDefault(node, List.of())) {
            if (visit(to, next, state, path)) {
                return true;
            }
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        return false;
    }
}
