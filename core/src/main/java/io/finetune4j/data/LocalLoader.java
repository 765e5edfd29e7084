package io.finetune4j.data;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads local data: a HF dataset folder of parquet shards named by split, CSV/TSV/JSON/JSONL files,
 * explicit {@code dataFiles}, or the aclImdb folder layout. Rows are checked (text present, label
 * a known class) and reported by file and row, or skipped and counted.
 */
final class LocalLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LocalLoader.class);
    private static final List<String> SPLIT_ORDER = List.of("train", "validation", "test");

    private LocalLoader() {}

    static DatasetDict load(Path path, LoadDatasetOptions options) {
        if (!Files.exists(path)) {
            throw new BadInputException("no such file or folder: " + path
                    + "; give a HF dataset folder (parquet), CSV/TSV/JSON/JSONL files or an aclImdb folder");
        }
        if (options.dataFiles().isEmpty() && Files.isDirectory(path) && AclImdbReader.looksLikeAclImdb(path)) {
            return AclImdbReader.load(path, options);
        }
        Map<String, List<Path>> files = discover(path, options);
        SplitSpec spec = options.split() == null ? null : SplitSpec.parse(options.split());
        if (spec != null) {
            if (!files.containsKey(spec.split())) {
                throw new BadInputException("unknown split '" + spec.split() + "' in " + path + "; available splits: "
                        + String.join(", ", files.keySet()));
            }
            files = Map.of(spec.split(), files.get(spec.split()));
        }
        boolean skip = options.onBadRows() == LoadDatasetOptions.BadRows.SKIP;
        Map<String, List<DuckDbFiles.RawTable>> raw = new LinkedHashMap<>();
        files.forEach((split, list) -> raw.put(split, list.stream().map(f -> DuckDbFiles.read(f, skip)).toList()));
        LoadDatasetOptions rows = forPreTokenized(raw, options);
        LabelKind kind = labelKind(raw, rows);
        ClassLabel labels = classLabel(raw, rows, kind);
        Map<String, Dataset> splits = new LinkedHashMap<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        raw.forEach((split, tables) -> {
            RowChecker checker = new RowChecker(rows, labels, kind);
            List<Dataset> parts = new ArrayList<>();
            for (DuckDbFiles.RawTable t : tables) parts.add(checker.convert(t));
            Dataset d = parts.size() == 1 ? parts.get(0) : Datasets.concatenate(parts.toArray(Dataset[]::new));
            splits.put(split, spec == null ? d : spec.apply(d));
            skipped.put(split, checker.skipped());
        });
        return DatasetDict.withSkipped(splits, skipped);
    }

    /** Rows of token ids with no text column ({@link PreTokenized}) load without one, labels from {@code labels} if need be. */
    private static LoadDatasetOptions forPreTokenized(Map<String, List<DuckDbFiles.RawTable>> raw, LoadDatasetOptions options) {
        List<DuckDbFiles.RawTable> all = raw.values().stream().flatMap(List::stream).toList();
        if (all.isEmpty() || !all.stream().allMatch(t -> PreTokenized.holds(t.columns().keySet(), options.textColumn()))) {
            return options;
        }
        String label = options.labelColumn();
        if (all.stream().allMatch(t -> PreTokenized.LABELS.equals(PreTokenized.labelColumn(t.columns().keySet(), options.labelColumn())))) {
            label = PreTokenized.LABELS;
        }
        return new LoadDatasetOptions(options.split(), options.dataFiles(), null, label, options.labelNames(), options.onBadRows(),
                options.cache(), options.labelDelimiter());
    }

    /** Split name → files, from {@code dataFiles} or by file names inside a folder. */
    static Map<String, List<Path>> discover(Path path, LoadDatasetOptions options) {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        if (!options.dataFiles().isEmpty()) {
            Path base = Files.isDirectory(path) ? path : path.getParent();
            options.dataFiles().forEach((split, list) -> {
                List<Path> resolved = new ArrayList<>();
                for (Path f : list) {
                    Path p = f.isAbsolute() ? f : base.resolve(f);
                    if (!Files.isRegularFile(p)) throw new BadInputException("data file for split '" + split + "' not found: " + p);
                    resolved.add(p);
                }
                out.put(split, resolved);
            });
            return ordered(out);
        }
        if (Files.isRegularFile(path)) {
            out.put("train", List.of(path));
            return out;
        }
        List<Path> found;
        try (Stream<Path> walk = Files.walk(path, 3)) {
            found = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> DuckDbFiles.formatOf(p) != null)
                    .filter(p -> !p.getFileName().toString().equals("dataset_info.json"))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new BadInputException("cannot list " + path + ": " + e.getMessage(), e);
        }
        for (Path f : found) out.computeIfAbsent(splitOf(f), k -> new ArrayList<>()).add(f);
        if (out.isEmpty()) {
            throw new BadInputException("no data files in " + path + "; expected files named by split (train-00000-of-00001.parquet, "
                    + "train.csv, test.jsonl, ...) or an aclImdb folder (train/pos/*.txt, train/neg/*.txt)");
        }
        return ordered(out);
    }

    /** "train-00000-of-00001.parquet" and "train.csv" → "train". */
    static String splitOf(Path file) {
        String name = file.getFileName().toString();
        int cut = name.length();
        for (char c : new char[] {'-', '.'}) {
            int i = name.indexOf(c);
            if (i > 0) cut = Math.min(cut, i);
        }
        return name.substring(0, cut).toLowerCase(Locale.ROOT);
    }

    private static Map<String, List<Path>> ordered(Map<String, List<Path>> in) {
        Map<String, List<Path>> out = new LinkedHashMap<>();
        for (String s : SPLIT_ORDER) if (in.containsKey(s)) out.put(s, in.get(s));
        new TreeMap<>(in).forEach(out::putIfAbsent);
        return out;
    }

    /**
     * What the label column holds, over all splits, as HF's run_classification.py tells them apart: lists of labels
     * (multi-label; also strings split on label_delimiter), floats (regression), or class names / ids. The column must
     * hold one of these throughout (ints and floats together are floats): a row of another type stops the load, named.
     */
    enum LabelKind { CLASS, FLOAT, LIST }

    /** The type of one label cell; ints and floats mix (as numbers), nothing else does. */
    private enum Shape {
        NAME("a class name"), ID("a class id"), FLOAT("a float"), LIST("a list of labels"), OTHER("a JSON object or nested list");

        final String words;

        Shape(String words) {
            this.words = words;
        }

        static Shape of(Object v, String delimiter) {
            if (v instanceof String) return delimiter != null ? LIST : NAME;
            if (v instanceof Long) return ID;
            if (v instanceof Number) return FLOAT;
            if (v instanceof int[] || v instanceof String[] || v instanceof float[]) return LIST;
            return OTHER;
        }

        boolean mixesWith(Shape other) {
            return this == other || (this == ID && other == FLOAT) || (this == FLOAT && other == ID);
        }
    }

    static LabelKind labelKind(Map<String, List<DuckDbFiles.RawTable>> raw, LoadDatasetOptions options) {
        if (options.labelColumn() == null) return LabelKind.CLASS;
        boolean floats = false;
        boolean lists = false;
        Shape first = null;
        String firstAt = null;
        Object firstValue = null;
        for (List<DuckDbFiles.RawTable> tables : raw.values()) {
            for (DuckDbFiles.RawTable t : tables) {
                if (t.hfFeatures() != null && t.hfFeatures().get(options.labelColumn()) instanceof Feature.Sequence) return LabelKind.LIST;
                Object[] values = t.columns().get(options.labelColumn());
                if (values == null) continue;
                for (int r = 0; r < values.length; r++) {
                    Object v = values[r];
                    if (v == null) continue;
                    Shape shape = Shape.of(v, options.labelDelimiter());
                    if (first == null) {
                        first = shape;
                        firstAt = t.file() + " row " + (r + 1);
                        firstValue = v;
                    } else if (!shape.mixesWith(first)) {
                        throw new BadInputException(t.file() + " row " + (r + 1) + ": label " + RowChecker.describe(v) + " is "
                                + shape.words + ", but " + firstAt + " holds " + first.words + " (" + RowChecker.describe(firstValue)
                                + "); give every row of column '" + options.labelColumn() + "' one type: class names, class ids, "
                                + "lists of them (multi-label) or floats (regression)");
                    }
                    lists |= shape == Shape.LIST;
                    floats |= shape == Shape.FLOAT;
                }
            }
        }
        if (lists) return LabelKind.LIST;
        return floats && options.labelNames() == null ? LabelKind.FLOAT : LabelKind.CLASS;
    }

    /** Class ids past this are not taken as ids of that many classes (years, user ids, ...). */
    static final int MAX_ID_CLASSES = 10_000;

    /**
     * The label classes: given names, else HF metadata, else from the labels of all splits: the sorted distinct class
     * names (run_classification.py's get_label_list), or for class ids (ints) the classes "0".."max id", so an id stays
     * its class (as multi-label ids do; -1 is "no label"). HF names only the ids present ([1, 3, 5] are 3 classes
     * there, 6 here): ids kept as they are mean the same numbers in training, evaluate and regression.
     */
    private static ClassLabel classLabel(Map<String, List<DuckDbFiles.RawTable>> raw, LoadDatasetOptions options, LabelKind kind) {
        if (options.labelColumn() == null || kind == LabelKind.FLOAT) return null;
        if (options.labelNames() != null) return new ClassLabel(options.labelNames());
        TreeSet<String> names = new TreeSet<>();
        TreeSet<Long> ids = new TreeSet<>();
        boolean sawStrings = false;
        for (List<DuckDbFiles.RawTable> tables : raw.values()) {
            for (DuckDbFiles.RawTable t : tables) {
                if (t.hfFeatures() != null && t.hfFeatures().labelClasses(options.labelColumn()) != null) {
                    return t.hfFeatures().labelClasses(options.labelColumn());
                }
                Object[] values = t.columns().get(options.labelColumn());
                if (values == null) continue;
                for (Object v : values) {
                    if (v instanceof String s) {
                        sawStrings = true;
                        if (kind == LabelKind.LIST) {
                            names.addAll(split(s, options.labelDelimiter()));
                        } else if (!s.isBlank()) {
                            names.add(s);
                        }
                    } else if (v instanceof String[] list) {
                        sawStrings = true;
                        for (String s : list) if (!s.isBlank()) names.add(s);
                    } else if (v instanceof Long id && kind == LabelKind.CLASS && id != -1) {
                        ids.add(id);
                    }
                }
            }
        }
        if (sawStrings) return names.isEmpty() ? null : new ClassLabel(new ArrayList<>(names));
        if (ids.isEmpty()) return null;
        long max = ids.last();
        if (max >= MAX_ID_CLASSES) {
            throw new BadInputException("label column '" + options.labelColumn() + "' holds class ids up to " + max
                    + "; ids are classes 0.." + (MAX_ID_CLASSES - 1) + " at most: give the labels as class names, or label_names");
        }
        List<String> idNames = new ArrayList<>();
        for (long i = 0; i <= max; i++) idNames.add(Long.toString(i));
        return new ClassLabel(idNames);
    }

    /** The label names of a "a|b" cell (label_delimiter), stripped, empty parts dropped. */
    static List<String> split(String cell, String delimiter) {
        List<String> out = new ArrayList<>();
        if (delimiter == null) {
            if (!cell.isBlank()) out.add(cell.strip());
            return out;
        }
        for (String part : cell.split(java.util.regex.Pattern.quote(delimiter), -1)) {
            if (!part.isBlank()) out.add(part.strip());
        }
        return out;
    }

    /** Turns raw rows into typed columns, checking text and label per row. */
    static final class RowChecker {
        private final LoadDatasetOptions options;
        private final ClassLabel labels;
        private final Map<String, Integer> labelIndex;
        private final LabelKind kind;
        private int skipped;

        RowChecker(LoadDatasetOptions options, ClassLabel labels) {
            this(options, labels, LabelKind.CLASS);
        }

        RowChecker(LoadDatasetOptions options, ClassLabel labels, LabelKind kind) {
            this.options = options;
            this.labels = labels;
            this.kind = kind;
            this.labelIndex = labels == null ? Map.of() : labels.index();
        }

        int skipped() {
            return skipped;
        }

        Dataset convert(DuckDbFiles.RawTable t) {
            skipped += t.rejected();
            String text = options.textColumn();
            String label = options.labelColumn();
            if (text != null && !t.columns().containsKey(text)) {
                throw new BadInputException(t.file() + " has no text column '" + text + "'; its columns are " + t.columns().keySet()
                        + " (set text_column_name" + delimiterHint(t) + ")");
            }
            if (label != null && !t.columns().containsKey(label)) {
                throw new BadInputException(t.file() + " has no label column '" + label + "'; its columns are " + t.columns().keySet()
                        + " (set label_column_name)");
            }
            int[] keep = new int[t.numRows()];
            int kept = 0;
            int[] labelIds = new int[t.numRows()];
            float[] floatLabels = kind == LabelKind.FLOAT ? new float[t.numRows()] : null;
            int[][] listLabels = kind == LabelKind.LIST ? new int[t.numRows()][] : null;
            float[][] vectorLabels = kind == LabelKind.LIST ? new float[t.numRows()][] : null;
            for (int r = 0; r < t.numRows(); r++) {
                String problem = null;
                if (text != null) {
                    Object v = t.columns().get(text)[r];
                    if (v == null || v instanceof String s && s.isEmpty()) {
                        problem = "missing text in column '" + text + "'";
                    } else if (!(v instanceof String)) {
                        problem = "the value " + describe(v) + " in text column '" + text + "' is " + (v instanceof Number ? "a number"
                                : v instanceof JsonRows.Nested ? "a JSON object or nested list" : "a list") + ", not a string";
                    }
                }
                if (problem == null && label != null) {
                    Object v = t.columns().get(label)[r];
                    if (v == null) {
                        problem = "missing label in column '" + label + "'";
                    } else if (kind == LabelKind.FLOAT) {
                        if (v instanceof Number n) floatLabels[r] = n.floatValue();
                        else problem = "label " + describe(v) + " is not a number, but the column holds floats (regression)";
                    } else if (kind == LabelKind.LIST) {
                        problem = listLabel(v, r, listLabels, vectorLabels);
                    } else if (v instanceof String s) {
                        Integer id = labelIndex.get(s);
                        if (id == null) problem = "label '" + s + "' is not a class of " + labels;
                        else labelIds[r] = id;
                    } else if (v instanceof Number n) {
                        long id = n.longValue();
                        if (n.doubleValue() != id || (labels != null ? !labels.accepts((int) id) : id != (int) id)) {
                            problem = "label " + v + " is not a class of " + (labels != null ? labels : "int labels");
                        } else {
                            labelIds[r] = (int) id;
                        }
                    } else {
                        problem = "label " + describe(v) + " is neither a class name nor a class id";
                    }
                }
                if (problem == null) {
                    keep[kept++] = r;
                } else if (options.onBadRows() == LoadDatasetOptions.BadRows.SKIP) {
                    skipped++;
                } else {
                    throw new BadInputException(t.file() + " row " + (r + 1) + ": " + problem
                            + " (fix the row, or load with onBadRows skip)");
                }
            }
            Map<String, Column> cols = new LinkedHashMap<>();
            Map<String, Feature> feats = new LinkedHashMap<>();
            for (Map.Entry<String, Object[]> e : t.columns().entrySet()) {
                String name = e.getKey();
                Column c = !name.equals(label) ? column(name, e.getValue(), keep, kept, t)
                        : kind == LabelKind.FLOAT ? new Column.Floats(floatLabels).take(Arrays.copyOf(keep, kept))
                        : kind == LabelKind.LIST ? listColumn(listLabels, vectorLabels, keep, kept)
                        : labelColumn(labelIds, keep, kept);
                cols.put(name, c);
                if (name.equals(label) && labels != null) feats.put(name, kind == LabelKind.LIST ? new Feature.Sequence(labels) : labels);
            }
            return new Dataset(cols, new Features(feats));
        }

        /** A CSV whose header is one column holding ';' or '|' was likely written with another delimiter. */
        private static String delimiterHint(DuckDbFiles.RawTable t) {
            if (t.columns().size() != 1 || DuckDbFiles.formatOf(t.file()) != DuckDbFiles.Format.CSV) return "";
            String only = t.columns().keySet().iterator().next();
            for (String d : new String[] {";", "|", "\t"}) {
                if (only.contains(d)) return "; .csv files are split on ',' as pandas does: use ',' or name the file .tsv for tabs";
            }
            return "";
        }

        /**
         * One multi-label cell: names (a list, or a string split on label_delimiter) or ids become the row's label ids;
         * a list of floats is taken as the row's multi-hot vector. Returns the problem, or null.
         */
        private String listLabel(Object v, int r, int[][] ids, float[][] vectors) {
            if (v instanceof float[] f) {
                vectors[r] = f;
                return null;
            }
            List<String> names = v instanceof String[] a ? Arrays.asList(a)
                    : v instanceof String s && options.labelDelimiter() != null ? split(s, options.labelDelimiter()) : null;
            if (names != null) {
                int[] out = new int[names.size()];
                for (int i = 0; i < out.length; i++) {
                    Integer id = labelIndex.get(names.get(i).strip());
                    if (id == null) return "label '" + names.get(i) + "' is not a class of " + labels;
                    out[i] = id;
                }
                ids[r] = out;
                return null;
            }
            if (v instanceof int[] a) {
                for (int id : a) {
                    if (id < 0 || (labels != null && id >= labels.numClasses())) {
                        return "label id " + id + " is not a class of " + (labels != null ? labels : "label ids 0, 1, ...");
                    }
                }
                ids[r] = a;
                return null;
            }
            return "label " + describe(v) + " is not a list of labels, but other rows of column '" + options.labelColumn()
                    + "' hold lists (multi-label); give every row a list" + (options.labelDelimiter() == null && v instanceof String
                    ? " or set label_delimiter to split names such as \"a|b\"" : "");
        }

        /** Label ids per row (Sequence(ClassLabel)), or multi-hot float vectors when the file holds those. */
        private static Column listColumn(int[][] ids, float[][] vectors, int[] keep, int kept) {
            boolean anyVector = false;
            for (int i = 0; i < kept; i++) anyVector |= vectors[keep[i]] != null;
            if (anyVector) {
                float[][] out = new float[kept][];
                for (int i = 0; i < kept; i++) {
                    int r = keep[i];
                    if (vectors[r] != null) {
                        out[i] = vectors[r];
                    } else {
                        out[i] = new float[ids[r].length];
                        for (int k = 0; k < ids[r].length; k++) out[i][k] = ids[r][k];
                    }
                }
                return new Column.FloatLists(out);
            }
            int[][] out = new int[kept][];
            for (int i = 0; i < kept; i++) out[i] = ids[keep[i]];
            return new Column.IntLists(out);
        }

        static String describe(Object v) {
            String s = v instanceof String t ? "'" + t + "'" : text(v);
            return s.length() > 80 ? s.substring(0, 80) + "…" : s;
        }

        /** A cell as text: lists as [a, b], objects as their JSON. */
        private static String text(Object v) {
            if (v instanceof int[] a) return Arrays.toString(a);
            if (v instanceof float[] a) return Arrays.toString(a);
            if (v instanceof Object[] a) return Arrays.toString(a);
            return String.valueOf(v);
        }

        private static Column labelColumn(int[] ids, int[] keep, int kept) {
            int[] out = new int[kept];
            for (int i = 0; i < kept; i++) out[i] = ids[keep[i]];
            return new Column.Ints(out);
        }

        /** Other columns keep their type: strings, ints, floats or int lists (nulls become "" / 0). */
        private static Column column(String name, Object[] values, int[] keep, int kept, DuckDbFiles.RawTable t) {
            Object sample = null;
            for (Object v : values) if (v != null) { sample = v; break; }
            boolean uniform = true;
            for (Object v : values) uniform &= v == null || v.getClass() == sample.getClass();
            if (!uniform) { // a column of mixed types (JSON): kept as texts, as the label and text columns are checked apart
                String[] out = new String[kept];
                for (int i = 0; i < kept; i++) out[i] = values[keep[i]] == null ? null : text(values[keep[i]]);
                return new Column.Strings(out);
            }
            if (sample instanceof Long) {
                int[] out = new int[kept];
                for (int i = 0; i < kept; i++) {
                    Object v = values[keep[i]];
                    long l = v == null ? 0 : (Long) v;
                    if (l != (int) l) throw new BadInputException(t.file() + " row " + (keep[i] + 1) + ": value " + l + " in column '" + name + "' does not fit in int32");
                    out[i] = (int) l;
                }
                return new Column.Ints(out);
            }
            if (sample instanceof Double) {
                float[] out = new float[kept];
                for (int i = 0; i < kept; i++) out[i] = values[keep[i]] == null ? 0f : ((Double) values[keep[i]]).floatValue();
                return new Column.Floats(out);
            }
            if (sample instanceof float[]) {
                float[][] out = new float[kept][];
                for (int i = 0; i < kept; i++) out[i] = values[keep[i]] == null ? new float[0] : (float[]) values[keep[i]];
                return new Column.FloatLists(out);
            }
            if (sample instanceof String[]) {
                String[] out = new String[kept];
                for (int i = 0; i < kept; i++) out[i] = values[keep[i]] == null ? null : String.join(", ", (String[]) values[keep[i]]);
                return new Column.Strings(out);
            }
            if (sample instanceof int[]) {
                int[][] out = new int[kept][];
                for (int i = 0; i < kept; i++) out[i] = values[keep[i]] == null ? new int[0] : (int[]) values[keep[i]];
                return new Column.IntLists(out);
            }
            String[] out = new String[kept];
            for (int i = 0; i < kept; i++) out[i] = values[keep[i]] == null ? null : values[keep[i]].toString();
            return new Column.Strings(out);
        }
    }

    static void logSkipped(Path path, Map<String, Integer> skipped) {
        skipped.forEach((split, n) -> {
            if (n > 0) LOG.warn("skipped {} bad rows in split '{}' of {}", n, split, path);
        });
    }
}
