package io.finetune4j.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of {@link Datasets#load(String, LoadDatasetOptions)}, after HF's {@code load_dataset}.
 *
 * @param split        one split, possibly sliced ("train[:10%]"); null loads all splits
 * @param dataFiles    split name → files (CSV/TSV/JSON/JSONL/parquet), relative to the path or absolute; empty: discover
 * @param textColumn   the text column (checked: present, non-null, valid UTF-8)
 * @param labelColumn  the label column, turned into a {@link ClassLabel} ints column; null when there is none
 * @param labelNames   class names; null: from the file's HF metadata, else the sorted distinct string labels
 * @param labelDelimiter splits a string label into several (multi-label from CSV: {@code "sports|politics"}); null: none.
 *                     A label column of lists (JSON arrays, parquet lists) is multi-label without it
 * @param onBadRows    what to do with a bad row: stop with an error naming file and row, or skip and count it
 * @param cache        where named data sets (imdb) are cached; null means {@code Cache.standard()}
 */
public record LoadDatasetOptions(String split, Map<String, List<Path>> dataFiles, String textColumn, String labelColumn,
                          List<String> labelNames, BadRows onBadRows, io.finetune4j.io.Cache cache, String labelDelimiter) {
    /** HF-style names: "error" and "skip". */
    public enum BadRows { ERROR, SKIP }

    public LoadDatasetOptions {
        dataFiles = dataFiles == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(dataFiles));
        labelNames = labelNames == null ? null : List.copyOf(labelNames);
        if (onBadRows == null) onBadRows = BadRows.ERROR;
        if (labelDelimiter != null && labelDelimiter.isEmpty()) labelDelimiter = null;
    }

    public LoadDatasetOptions(String split, Map<String, List<Path>> dataFiles, String textColumn, String labelColumn,
                       List<String> labelNames, BadRows onBadRows, io.finetune4j.io.Cache cache) {
        this(split, dataFiles, textColumn, labelColumn, labelNames, onBadRows, cache, null);
    }

    public static LoadDatasetOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String split;
        private final Map<String, List<Path>> dataFiles = new LinkedHashMap<>();
        private String textColumn = "text";
        private String labelColumn = "label";
        private List<String> labelNames;
        private BadRows onBadRows = BadRows.ERROR;
        private io.finetune4j.io.Cache cache;
        private String labelDelimiter;

        public Builder split(String split) { this.split = split; return this; }
        public Builder dataFiles(String split, Path... files) { dataFiles.put(split, List.of(files)); return this; }
        public Builder textColumn(String column) { this.textColumn = column; return this; }
        public Builder labelColumn(String column) { this.labelColumn = column; return this; }
        public Builder labelNames(String... names) { this.labelNames = List.of(names); return this; }
        public Builder onBadRows(BadRows mode) { this.onBadRows = mode; return this; }
        public Builder cache(io.finetune4j.io.Cache cache) { this.cache = cache; return this; }
        public Builder labelDelimiter(String delimiter) { this.labelDelimiter = delimiter; return this; }

        public LoadDatasetOptions build() {
            return new LoadDatasetOptions(split, dataFiles, textColumn, labelColumn, labelNames, onBadRows, cache, labelDelimiter);
        }
    }
}
