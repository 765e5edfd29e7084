package io.finetune4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Ordered split name → {@link Dataset}, like HF's {@code DatasetDict}. Immutable. */
public final class DatasetDict {
    private final Map<String, Dataset> splits;
    private final Map<String, Integer> skippedRows;

    public DatasetDict(Map<String, Dataset> splits) {
        this(splits, Map.of());
    }

    private DatasetDict(Map<String, Dataset> splits, Map<String, Integer> skippedRows) {
        this.splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        this.skippedRows = Collections.unmodifiableMap(new LinkedHashMap<>(skippedRows));
    }

    /** A loader's result that remembers how many bad rows it skipped per split. */
    static DatasetDict withSkipped(Map<String, Dataset> splits, Map<String, Integer> skippedRows) {
        return new DatasetDict(splits, skippedRows);
    }

    /**
     * Rows the loader skipped per split (with {@code onBadRows skip}); empty for data sets that
     * were not loaded from files. Operations on the dict do not carry it over.
     */
    public Map<String, Integer> skippedRows() {
        return skippedRows;
    }

    /** Total rows skipped over all splits. */
    public int totalSkippedRows() {
        return skippedRows.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The split, or a BadInputException listing the available ones. */
    public Dataset get(String split) {
        Dataset d = splits.get(split);
        if (d == null) {
            throw new BadInputException("unknown split '" + split + "'; available splits: " + String.join(", ", splits.keySet()));
        }
        return d;
    }

    public boolean containsSplit(String split) {
        return splits.containsKey(split);
    }

    public List<String> splitNames() {
        return new ArrayList<>(splits.keySet());
    }

    public Map<String, Dataset> asMap() {
        return splits;
    }

    /** Applies an operation to every split. */
    public DatasetDict apply(UnaryOperator<Dataset> op) {
        Map<String, Dataset> out = new LinkedHashMap<>();
        splits.forEach((name, d) -> out.put(name, op.apply(d)));
        return new DatasetDict(out);
    }

    public DatasetDict map(BatchFunction fn) {
        return apply(d -> d.map(fn));
    }

    public DatasetDict map(BatchFunction fn, MapOptions options) {
        return apply(d -> d.map(fn, options));
    }

    public DatasetDict removeColumns(String... names) {
        return apply(d -> d.removeColumns(names));
    }

    public DatasetDict renameColumn(String from, String to) {
        return apply(d -> d.renameColumn(from, to));
    }

    public DatasetDict shuffle(long seed) {
        return apply(d -> d.shuffle(seed));
    }

    public DatasetDict filter(java.util.function.Predicate<Map<String, Object>> predicate) {
        return apply(d -> d.filter(predicate));
    }

    /**
     * Writes {@code dataset_dict.json} (split names and features, HF-shaped) and one binary column
     * file per split into {@code dir}, atomically (the folder appears complete or not at all).
     */
    public void saveToDisk(Path dir) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            ObjectNode root = FeaturesJson.JSON.createObjectNode();
            var names = root.putArray("splits");
            ObjectNode feats = root.putObject("features");
            for (Map.Entry<String, Dataset> e : splits.entrySet()) {
                names.add(e.getKey());
                feats.set(e.getKey(), FeaturesJson.toJson(e.getValue().features()));
                ColumnFile.write(e.getValue(), tmp.resolve(e.getKey() + ".f4j"));
            }
            FeaturesJson.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("dataset_dict.json").toFile(), root);
        });
    }

    /** Reads a folder written by {@link #saveToDisk(Path)}. */
    public static DatasetDict loadFromDisk(Path dir) {
        Path index = dir.resolve("dataset_dict.json");
        if (!Files.isRegularFile(index)) {
            throw new BadInputException("no saved DatasetDict at " + dir + " (dataset_dict.json missing); save one with saveToDisk");
        }
        try {
            JsonNode root = FeaturesJson.JSON.readTree(index.toFile());
            Map<String, Dataset> out = new LinkedHashMap<>();
            for (JsonNode n : root.path("splits")) {
                out.put(n.asText(), ColumnFile.read(dir.resolve(n.asText() + ".f4j")));
            }
            return new DatasetDict(out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException("cannot read " + index + ": not valid JSON (" + JsonRows.message(e) + "); save the data set again", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + index + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DatasetDict({\n");
        splits.forEach((name, d) -> sb.append("    ").append(name).append(": ").append(d.describe(4)).append('\n'));
        return sb.append("})").toString();
    }
}
