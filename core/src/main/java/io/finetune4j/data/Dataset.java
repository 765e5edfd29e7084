package io.finetune4j.data;

import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import io.finetune4j.io.Cache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable table of named, equally long {@link Column}s, with HF {@code datasets.Dataset}'s
 * operations. Every operation returns a new Dataset; column arrays are shared, never mutated.
 */
public final class Dataset {
    private static final Logger LOG = LoggerFactory.getLogger(Dataset.class);
    /** Bumped when the map cache key or file format changes, so old entries are not reused. */
    private static final String MAP_CACHE_VERSION = "f4j-map-1";

    private final Map<String, Column> columns;
    private final Features features;
    private final int numRows;
    private volatile String fingerprint;

    /** Columns in order; features default to each column's plain type. */
    public Dataset(Map<String, Column> columns) {
        this(columns, null);
    }

    /**
     * @param features types per column (e.g. a {@link ClassLabel} for labels); columns it does not
     *                 name get their plain type. Null means all plain.
     */
    public Dataset(Map<String, Column> columns, Features features) {
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        int rows = -1;
        for (Map.Entry<String, Column> e : this.columns.entrySet()) {
            if (rows >= 0 && e.getValue().size() != rows) {
                throw new IllegalArgumentException("column '" + e.getKey() + "' has " + e.getValue().size()
                        + " rows, others have " + rows);
            }
            rows = e.getValue().size();
        }
        this.numRows = Math.max(rows, 0);
        Map<String, Feature> f = new LinkedHashMap<>();
        for (Map.Entry<String, Column> e : this.columns.entrySet()) {
            Feature given = features == null ? null : features.get(e.getKey());
            f.put(e.getKey(), given != null ? given : Feature.of(e.getValue()));
        }
        this.features = new Features(f);
    }

    /** Convenience: a dataset from alternating names and columns. */
    public static Dataset of(Object... nameColumnPairs) {
        Map<String, Column> cols = new LinkedHashMap<>();
        for (int i = 0; i < nameColumnPairs.length; i += 2) {
            cols.put((String) nameColumnPairs[i], (Column) nameColumnPairs[i + 1]);
        }
        return new Dataset(cols);
    }

    public int numRows() {
        return numRows;
    }

    public List<String> columnNames() {
        return new ArrayList<>(columns.keySet());
    }

    public Features features() {
        return features;
    }

    /** Columns in order (unmodifiable). */
    public Map<String, Column> columns() {
        return columns;
    }

    public Column column(String name) {
        Column c = columns.get(name);
        if (c == null) {
            throw new BadInputException("no column '" + name + "'; columns are " + columnNames());
        }
        return c;
    }

    public String[] strings(String name) {
        if (column(name) instanceof Column.Strings s) return s.values();
        throw typeError(name, "string");
    }

    public int[] ints(String name) {
        if (column(name) instanceof Column.Ints s) return s.values();
        throw typeError(name, "int64");
    }

    public int[][] intLists(String name) {
        if (column(name) instanceof Column.IntLists s) return s.values();
        throw typeError(name, "Sequence(int32)");
    }

    public float[] floats(String name) {
        if (column(name) instanceof Column.Floats s) return s.values();
        throw typeError(name, "float32");
    }

    private BadInputException typeError(String name, String wanted) {
        return new BadInputException("column '" + name + "' is " + columns.get(name).typeName() + ", not " + wanted);
    }

    /** One row as an ordered map: {@code {text=..., label=1}} (values: String, Integer, int[], Float). */
    public Map<String, Object> row(int i) {
        if (i < 0 || i >= numRows) {
            throw new IndexOutOfBoundsException("row " + i + " is outside 0.." + (numRows - 1));
        }
        Map<String, Object> row = new LinkedHashMap<>();
        columns.forEach((name, c) -> row.put(name, c.get(i)));
        return row;
    }

    /** A row printed as HF prints it: {@code {'text': '...', 'label': 1}}; texts cut at {@code maxText} chars (0: no cut). */
    public String formatRow(int i, int maxText) {
        return Texts.pyDict(row(i), maxText);
    }

    // ---- operations -------------------------------------------------------------------------

    /** Rows {@code [from, to)}. */
    public Dataset select(int from, int to) {
        if (from < 0 || to > numRows || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") is outside 0.." + numRows);
        }
        return withColumns(mapColumns(c -> c.slice(from, to)));
    }

    /** Rows at the given indices, in that order. */
    public Dataset select(int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= numRows) throw new IndexOutOfBoundsException("index " + i + " is outside 0.." + (numRows - 1));
        }
        return withColumns(mapColumns(c -> c.take(indices)));
    }

    /** Rows for which the predicate holds on {@link #row(int)}. */
    public Dataset filter(Predicate<Map<String, Object>> predicate) {
        int[] keep = new int[numRows];
        int n = 0;
        for (int i = 0; i < numRows; i++) {
            if (predicate.test(row(i))) keep[n++] = i;
        }
        return select(Arrays.copyOf(keep, n));
    }

    /** A deterministic permutation of the rows: the same seed gives the same order. */
    public Dataset shuffle(long seed) {
        return select(permutation(numRows, seed));
    }

    static int[] permutation(int n, long seed) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    public Dataset removeColumns(String... names) {
        Map<String, Column> cols = new LinkedHashMap<>(columns);
        for (String name : names) {
            column(name);
            cols.remove(name);
        }
        return withColumns(cols);
    }

    /** Renames a column in place (same position, same feature). */
    public Dataset renameColumn(String from, String to) {
        column(from);
        if (!from.equals(to) && columns.containsKey(to)) {
            throw new BadInputException("cannot rename '" + from + "' to '" + to + "': that column exists");
        }
        Map<String, Column> cols = new LinkedHashMap<>();
        Map<String, Feature> feats = new LinkedHashMap<>();
        columns.forEach((name, c) -> {
            String n = name.equals(from) ? to : name;
            cols.put(n, c);
            feats.put(n, features.get(name));
        });
        return new Dataset(cols, new Features(feats));
    }

    /** Same rows with a new feature for one column, e.g. a {@link ClassLabel} for an int column. */
    public Dataset castColumn(String name, Feature feature) {
        column(name);
        Map<String, Feature> feats = new LinkedHashMap<>(features.asMap());
        feats.put(name, feature);
        return new Dataset(columns, new Features(feats));
    }

    /**
     * Splits into {@code train} and {@code test}, like HF's {@code train_test_split}.
     *
     * @param testSize a fraction in (0, 1), or a row count when >= 1
     * @param stratifyByColumn an int (ClassLabel) column whose class proportions both parts keep; null for none
     */
    public DatasetDict trainTestSplit(double testSize, long seed, String stratifyByColumn) {
        if (testSize <= 0 || (testSize >= 1 && testSize != Math.rint(testSize)) || testSize >= numRows) {
            throw new BadInputException("test_size " + testSize + " must be a fraction in (0, 1) or a row count below " + numRows);
        }
        double fraction = testSize < 1 ? testSize : testSize / numRows;
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        if (stratifyByColumn == null) {
            int[] perm = permutation(numRows, seed);
            int nTest = (int) Math.ceil(fraction * numRows);
            for (int i = 0; i < numRows; i++) (i < nTest ? test : train).add(perm[i]);
        } else {
            int[] labels = ints(stratifyByColumn);
            Map<Integer, List<Integer>> groups = new TreeMap<>();
            for (int i = 0; i < numRows; i++) groups.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
            Random random = new Random(seed);
            for (List<Integer> group : groups.values()) {
                Collections.shuffle(group, random);
                int nTest = (int) Math.round(fraction * group.size());
                test.addAll(group.subList(0, nTest));
                train.addAll(group.subList(nTest, group.size()));
            }
            // Mix classes again so that neither part is sorted by label.
            Collections.shuffle(train, new Random(seed + 1));
            Collections.shuffle(test, new Random(seed + 2));
        }
        Map<String, Dataset> splits = new LinkedHashMap<>();
        splits.put("train", select(train.stream().mapToInt(Integer::intValue).toArray()));
        splits.put("test", select(test.stream().mapToInt(Integer::intValue).toArray()));
        return new DatasetDict(splits);
    }

    /** Batches of the given columns for a training loop (HF's {@code with_format("torch", columns=...)}). */
    public FormattedDataset withFormat(String type, String... columnNames) {
        if (!type.equals("torch") && !type.equals("numpy")) {
            throw new BadInputException("unknown format '" + type + "'; use \"torch\" or \"numpy\"");
        }
        List<String> names = columnNames.length == 0 ? columnNames() : List.of(columnNames);
        names.forEach(this::column);
        return new FormattedDataset(this, names);
    }

    // ---- map --------------------------------------------------------------------------------

    /** {@link #map(BatchFunction, MapOptions)} with HF's defaults (batched, 1000 rows, cached). */
    public Dataset map(BatchFunction fn) {
        return map(fn, MapOptions.defaults());
    }

    /**
     * Applies {@code fn} to batches of rows; returned columns replace input columns of the same
     * name or are appended, {@code removeColumns} are dropped. Results of functions with a
     * {@link BatchFunction#fingerprint()} are cached on disk by a SHA-256 of this data, the
     * fingerprint and the options that change the output.
     */
    public Dataset map(BatchFunction fn, MapOptions options) {
        Set<String> remove = new HashSet<>(options.removeColumns());
        for (String name : remove) column(name);
        Path entry = cacheEntry(fn, options);
        if (entry != null && options.loadFromCacheFile()) {
            Path file = entry.resolve("dataset.f4j");
            if (Files.isRegularFile(file)) {
                try {
                    Dataset cached = ColumnFile.read(file);
                    LOG.info("Loading cached processed dataset at {}", file);
                    return cached;
                } catch (BadInputException e) {
                    LOG.warn("ignoring unreadable map cache entry: {}", e.getMessage());
                }
            }
        }
        Dataset result = compute(fn, options, remove);
        if (entry != null) {
            try {
                AtomicFiles.Writer write = dir -> ColumnFile.write(result, dir.resolve("dataset.f4j"));
                if (Files.exists(entry)) { // an entry that could not be read above: replaced
                    AtomicFiles.writeDirectory(entry, write);
                } else { // absent: another rank filling it at the same moment keeps its copy
                    AtomicFiles.writeDirectoryOnce(entry, write);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not cache map result at {}: {}", entry, e.getMessage());
            }
        }
        return result;
    }

    /** The folder a cacheable map result lives in, or null when {@code fn} has no fingerprint. */
    Path cacheEntry(BatchFunction fn, MapOptions options) {
        String fnPrint = fn.fingerprint();
        if (fnPrint == null) return null;
        MessageDigest md = Columns.sha256();
        StringBuilder key = new StringBuilder(MAP_CACHE_VERSION).append('\n').append(fingerprint()).append('\n')
                .append(fnPrint).append('\n').append("remove=").append(new TreeMap<>(toMap(options.removeColumns())).keySet());
        if (options.batched()) key.append("\nbatch_size=").append(options.batchSize());
        md.update(key.toString().getBytes(StandardCharsets.UTF_8));
        Path dir = options.cacheDir() != null ? options.cacheDir() : Cache.standard().mapCache();
        return dir.resolve(Columns.hex(md.digest()));
    }

    private static Map<String, Boolean> toMap(List<String> names) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        names.forEach(n -> m.put(n, true));
        return m;
    }

    private Dataset compute(BatchFunction fn, MapOptions options, Set<String> remove) {
        int batch = options.effectiveBatchSize();
        int nBatches = (numRows + batch - 1) / batch;
        List<Map<String, Column>> outputs = new ArrayList<>(Collections.nCopies(nBatches, null));
        int workers = Math.max(1, Math.min(options.workers(fn), nBatches));
        try (io.finetune4j.util.TqdmBar progress = io.finetune4j.util.TqdmBar.start(options.desc(), numRows, "examples", options.progress())) {
            if (workers == 1) {
                for (int b = 0; b < nBatches; b++) {
                    int from = b * batch;
                    int to = Math.min(numRows, from + batch);
                    outputs.set(b, applyBatch(fn, from, to));
                    progress.step(to - from);
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                    Thread t = new Thread(r, "map-worker");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<Map<String, Column>>> futures = new ArrayList<>();
                    for (int b = 0; b < nBatches; b++) {
                        int from = b * batch;
                        int to = Math.min(numRows, from + batch);
                        futures.add(pool.submit(() -> {
                            Map<String, Column> out = applyBatch(fn, from, to);
                            progress.step(to - from);
                            return out;
                        }));
                    }
                    for (int b = 0; b < nBatches; b++) outputs.set(b, futures.get(b).get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("map was interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IllegalStateException("map function failed: " + e.getCause(), e.getCause());
                } finally {
                    pool.shutdownNow();
                }
            }
        }
        return assemble(outputs, remove);
    }

    private Map<String, Column> applyBatch(BatchFunction fn, int from, int to) {
        Map<String, Column> view = new LinkedHashMap<>();
        columns.forEach((name, c) -> view.put(name, c.slice(from, to)));
        Map<String, Column> out = fn.apply(Collections.unmodifiableMap(view));
        if (out == null) throw new IllegalStateException("the map function returned null for rows [" + from + ", " + to + ")");
        for (Map.Entry<String, Column> e : out.entrySet()) {
            if (e.getValue().size() != to - from) {
                throw new IllegalStateException("the map function returned " + e.getValue().size() + " rows in column '"
                        + e.getKey() + "' for a batch of " + (to - from) + " rows [" + from + ", " + to + ")");
            }
        }
        return out;
    }

    private Dataset assemble(List<Map<String, Column>> outputs, Set<String> remove) {
        // Output column names in first-seen order; every batch must return the same ones.
        List<String> produced = new ArrayList<>();
        if (!outputs.isEmpty()) produced.addAll(outputs.get(0).keySet());
        Map<String, Column> cols = new LinkedHashMap<>();
        Map<String, Feature> feats = new LinkedHashMap<>();
        for (String name : columns.keySet()) {
            if (remove.contains(name) && !produced.contains(name)) continue;
            cols.put(name, columns.get(name));
            feats.put(name, features.get(name));
        }
        for (String name : produced) {
            List<Column> parts = new ArrayList<>(outputs.size());
            for (Map<String, Column> out : outputs) {
                Column part = out.get(name);
                if (part == null) throw new IllegalStateException("the map function returned column '" + name + "' for some batches only");
                parts.add(part);
            }
            Column joined = Columns.concat(name, parts);
            cols.put(name, joined);
            Feature old = features.get(name);
            feats.put(name, old != null && old.typeName().equals(joined.typeName()) || old instanceof ClassLabel && joined instanceof Column.Ints
                    || old instanceof Feature.Sequence && joined instanceof Column.IntLists
                    ? old : Feature.of(joined));
        }
        return new Dataset(cols, new Features(feats));
    }

    /**
     * A SHA-256 of all column names, types and values (and features): equal data gives equal
     * fingerprints, so it keys the map cache. Computed once per Dataset.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            MessageDigest md = Columns.sha256();
            md.update(features.toString().getBytes(StandardCharsets.UTF_8));
            columns.forEach((name, c) -> Columns.digest(md, name, c));
            f = Columns.hex(md.digest());
            fingerprint = f;
        }
        return f;
    }

    // ---- disk -------------------------------------------------------------------------------

    /** Writes this dataset to one binary column file (see {@link ColumnFile}), atomically. */
    public void saveToDisk(Path file) {
        AtomicFiles.writeFile(file, p -> ColumnFile.write(this, p));
    }

    /** Reads a file written by {@link #saveToDisk(Path)}. */
    public static Dataset loadFromDisk(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException("no saved dataset at " + file);
        return ColumnFile.read(file);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Map<String, Column> mapColumns(java.util.function.UnaryOperator<Column> op) {
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach((name, c) -> out.put(name, op.apply(c)));
        return out;
    }

    private Dataset withColumns(Map<String, Column> cols) {
        return new Dataset(cols, features);
    }

    /** HF's print shape, indented by {@code indent} spaces. */
    String describe(int indent) {
        String pad = " ".repeat(indent);
        return "Dataset({\n"
                + pad + "    features: " + Texts.pyList(columnNames()) + ",\n"
                + pad + "    num_rows: " + numRows + "\n"
                + pad + "})";
    }

    @Override
    public String toString() {
        return describe(0);
    }
}
