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
 * Javadoc links included) is an arrow between the two packages, each subpackage its own node ({@code io.tf},
 * {@code models.bert}, {@code models.auto}). Two rules hold:
 * <ul>
 *   <li>between top-level packages every arrow points to a lower layer of {@link #LAYERS}: a subpackage sits on its
 *       top-level package's layer ({@code models.bert -> nn} is down, {@code models.auto -> peft} up), and packages
 *       on one layer do not refer to each other;</li>
 *   <li>the arrows of all packages, subpackages included, form no cycle ({@code models <-> models.bert} is one even
 *       though both are {@code models}'s layer).</li>
 * </ul>
 * A new top-level package has to be placed here (and in README's Layout) first; a new subpackage only has to keep the
 * graph free of cycles.
 */
class LayeringTest {
    /** Bottom to top; the same line, with {@code ->}, is in README's Layout section. */
    static final String LAYERS = "io.finetune4j -> util, metrics, config -> torch -> io -> data -> tokenize -> nn -> models -> peft -> train -> pipeline -> tasks";

    private static final String ROOT = "io.finetune4j";
    private static final Path SOURCES = Path.of("core/src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    /** {@code io.finetune4j.<lower-case segments>.<Class>}: an import, a qualified name in code or a Javadoc link. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.finetune4j((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void everyReferenceBetweenCorePackagesPointsDown() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        List<String> wrong = layerViolations(arrows);
        assertTrue(wrong.isEmpty(), "layers " + LAYERS + " broken:\n" + String.join("\n", wrong));
    }

    @Test
    void thePackagesSubpackagesIncludedFormNoCycle() throws IOException {
        Map<String, Set<String>> arrows = arrows();
        List<String> cycle = cycle(arrows);
        List<String> made = new ArrayList<>();
        for (int i = 0; i + 1 < cycle.size(); i++) {
            String arrow = cycle.get(i) + " -> " + cycle.get(i + 1);
            made.add(arrow + ": " + arrows.get(arrow));
        }
        assertTrue(cycle.isEmpty(), "import cycle between packages " + String.join(" -> ", cycle) + "\n" + String.join("\n", made));
    }

    /**
     * libtorch is reached through the torch package on JavaCPP only: no source of any module names DJL's engine
     * (ai.djl.ndarray, ai.djl.nn, ai.djl.pytorch, ai.djl.engine, ai.djl.training, ...); HF's tokenizers through
     * {@code ai.djl.huggingface.tokenizers} stay.
     */
    @Test
    void noSourceUsesDjlsEngine() throws IOException {
        List<String> found = new ArrayList<>();
        Pattern djl = Pattern.compile("\\bai\\.djl\\.(?!huggingface\\.)[a-z]");
        for (String module : List.of("core", "onnx", "spark", "cli")) {
            for (String tree : List.of("src/main/java", "src/test/java")) {
                Path root = Path.of(module, tree);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        List<String> lines = Files.readAllLines(f);
                        for (int i = 0; i < lines.size(); i++) {
                            String line = lines.get(i).strip();
                            if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
                                continue; // prose may name it
                            }
                            String code = line.replaceAll("\"[^\"]*\"", "\"\"");
                            if (djl.matcher(code).find()) {
                                found.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "DJL's engine is named in:\n" + String.join("\n", found));
    }

    @Test
    void theLayersAreTheOnesReadmeShows() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains("`" + LAYERS + "`"), "README's Layout section shows the layers as `" + LAYERS + "`");
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> packages.add(top(node(packageOf(p)))));
        }
        assertEquals(new TreeSet<>(layers().keySet()), packages, "every package of core has a layer, and no layer names a missing package");
    }

    @Test
    void theCheckFindsAnUpwardArrowAndACycle() {
        Map<String, Set<String>> arrows = new TreeMap<>();
        arrows.put("nn -> models.bert", Set.of("nn/Module.java"));
        arrows.put("models.bert -> models", Set.of("models/bert/BertConfig.java"));
        arrows.put("models -> nn", Set.of("models/PreTrainedModel.java"));
        assertEquals(List.of("nn -> models.bert (upward): [nn/Module.java]"), layerViolations(arrows));
        assertEquals(List.of("models", "nn", "models.bert", "models"), cycle(arrows));
    }

    @Test
    void theCheckFindsACycleBetweenSubpackagesOfOneLayer() {
        Map<String, Set<String>> arrows = new TreeMap<>();
        arrows.put("models.auto -> models.bert", Set.of("models/auto/ModelRegistry.java"));
        arrows.put("models.bert -> models", Set.of("models/bert/BertConfig.java"));
        arrows.put("models -> util", Set.of("models/PreTrainedModel.java"));
        arrows.put("io.tf -> io", Set.of("io/tf/TfCheckpoint.java"));
        arrows.put("io.finetune4j -> util", Set.of());
        assertEquals(List.of("io.finetune4j -> util (upward): []"), layerViolations(arrows), "arrows inside models are no layer violation");
        assertEquals(List.of(), cycle(arrows));
        arrows.put("models -> models.auto", Set.of("models/PreTrainedModel.java"));
        assertEquals(1, layerViolations(arrows).size(), "models -> models.auto is no layer violation either, only a cycle");
        assertEquals(List.of("models", "models.auto", "models.bert", "models"), cycle(arrows));
    }

    /** The arrows between different top-level packages that do not point to a lower layer, with their files. */
    static List<String> layerViolations(Map<String, Set<String>> arrows) {
        Map<String, Integer> layer = layers();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : arrows.entrySet()) {
            String[] fromTo = e.getKey().split(" -> ");
            String fromTop = top(fromTo[0]);
            String toTop = top(fromTo[1]);
            Integer from = layer.get(fromTop);
            Integer to = layer.get(toTop);
            if (from == null || to == null) {
                wrong.add("package " + (from == null ? fromTop : toTop) + " has no layer in LayeringTest.LAYERS: " + e.getValue());
            } else if (!fromTop.equals(toTop) && to >= from) {
                wrong.add(e.getKey() + (to.equals(from) ? " (same layer)" : " (upward)") + ": " + e.getValue());
            }
        }
        return wrong;
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

    /**
     * "from -> to" between different packages (subpackages are nodes of their own: {@code models.bert}), with the files
     * that make each arrow.
     */
    static Map<String, Set<String>> arrows() throws IOException {
        Map<String, Set<String>> arrows = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = node(packageOf(file));
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    String to = node("io.finetune4j" + m.group(1));
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

    /** A package's node: its name under io.finetune4j ({@code io.tf}, {@code models.bert}), or io.finetune4j itself. */
    private static String node(String pkg) {
        return pkg.startsWith(ROOT + ".") ? pkg.substring(ROOT.length() + 1) : ROOT;
    }

    /** The top-level package of a node ({@code models} for {@code models.bert}). */
    private static String top(String node) {
        return node.equals(ROOT) ? ROOT : node.split("\\.")[0];
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
