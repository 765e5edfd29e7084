package io.finetune4j.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Options of {@link Dataset#map}, named after HF's {@code Dataset.map} arguments.
 *
 * @param batched        true: the function gets {@code batchSize} rows at a time; false: one row at a time
 * @param batchSize      rows per call when batched (HF default 1000)
 * @param numProc        parallel workers; {@link #AUTO} means all cores for a {@link ThreadSafeBatchFunction}, else 1
 * @param removeColumns  input columns dropped from the result
 * @param loadFromCacheFile reuse a cached result for the same data, function fingerprint and options
 * @param desc           progress label
 * @param progress       show a progress bar on stderr
 * @param cacheDir       where map results are cached; null means {@code Cache.standard().mapCache()}
 */
public record MapOptions(boolean batched, int batchSize, int numProc, List<String> removeColumns,
                         boolean loadFromCacheFile, String desc, boolean progress, Path cacheDir) {
    public static final int AUTO = 0;

    public MapOptions {
        removeColumns = List.copyOf(removeColumns);
        if (batchSize < 1) throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        if (numProc < 0) throw new IllegalArgumentException("num_proc must be >= 1 (or AUTO), got " + numProc);
    }

    public static MapOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Rows per call to the function. */
    int effectiveBatchSize() {
        return batched ? batchSize : 1;
    }

    int workers(BatchFunction fn) {
        if (numProc != AUTO) return numProc;
        return fn instanceof ThreadSafeBatchFunction ? Runtime.getRuntime().availableProcessors() : 1;
    }

    public static final class Builder {
        private boolean batched = true;
        private int batchSize = 1000;
        private int numProc = AUTO;
        private List<String> removeColumns = List.of();
        private boolean loadFromCacheFile = true;
        private String desc = "Map";
        private boolean progress = true;
        private Path cacheDir;

        public Builder batched(boolean batched) { this.batched = batched; return this; }
        public Builder batchSize(int batchSize) { this.batchSize = batchSize; return this; }
        public Builder numProc(int numProc) { this.numProc = numProc; return this; }
        public Builder removeColumns(String... columns) { this.removeColumns = List.of(columns); return this; }
        public Builder removeColumns(List<String> columns) { this.removeColumns = List.copyOf(columns); return this; }
        public Builder loadFromCacheFile(boolean load) { this.loadFromCacheFile = load; return this; }
        public Builder desc(String desc) { this.desc = desc; return this; }
        public Builder progress(boolean progress) { this.progress = progress; return this; }
        public Builder cacheDir(Path cacheDir) { this.cacheDir = cacheDir; return this; }

        public MapOptions build() {
            return new MapOptions(batched, batchSize, numProc, removeColumns, loadFromCacheFile, desc, progress, cacheDir);
        }
    }
}
