package io.finetune4j.data;

import io.finetune4j.BadInputException;
import io.finetune4j.io.Cache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry points, after HF's {@code load_dataset}, {@code load_from_disk} and {@code concatenate_datasets}. */
public final class Datasets {
    private Datasets() {}

    /** What {@link #fetch(String, Cache)} did. */
    public record FetchReport(Path dir, Map<String, Long> fileSizes, boolean alreadyCached, long millis) {}

    /** {@code "imdb"} (from the cache, fetched once) or a local path, all splits. */
    public static DatasetDict load(String nameOrPath) {
        return load(nameOrPath, LoadDatasetOptions.defaults());
    }

    /**
     * {@code "imdb"}: train/test, 25,000 rows each, features text: string and label:
     * ClassLabel([neg, pos]). Anything else is a local path: see {@link #load(Path, LoadDatasetOptions)}.
     */
    public static DatasetDict load(String nameOrPath, LoadDatasetOptions options) {
        if (nameOrPath.equalsIgnoreCase("imdb") || nameOrPath.equalsIgnoreCase("stanfordnlp/imdb")) {
            return ImdbSource.load(options);
        }
        return load(Path.of(nameOrPath), options);
    }

    /**
     * Local data: a HF dataset folder with parquet shards named by split
     * ({@code plain_text/train-00000-of-00001.parquet}, {@code data/train-*.parquet}), CSV/TSV and
     * JSON/JSONL files named by split or given per split in {@code dataFiles}, one file (split
     * "train"), or the aclImdb folder layout.
     */
    public static DatasetDict load(Path path, LoadDatasetOptions options) {
        DatasetDict dict = LocalLoader.load(path, options);
        LocalLoader.logSkipped(path, dict.skippedRows());
        return dict;
    }

    /** One split (HF's {@code load_dataset(path, split="train[:10%]")}). */
    public static Dataset loadSplit(String nameOrPath, String split) {
        DatasetDict dict = load(nameOrPath, LoadDatasetOptions.builder().split(split).build());
        return dict.get(SplitSpec.parse(split).split());
    }

    /** Fills the cache for a named data set ("imdb") and says where and how large. */
    public static FetchReport fetch(String name, Cache cache) {
        if (!name.equalsIgnoreCase("imdb") && !name.equalsIgnoreCase("stanfordnlp/imdb")) {
            throw new BadInputException("unknown data set '" + name + "'; known: imdb (or give a local path to load)");
        }
        ImdbSource.FetchResult r = ImdbSource.fetch(cache);
        return new FetchReport(r.dir(), r.fileSizes(), r.alreadyCached(), r.millis());
    }

    /** True when a named data set is already in the cache. */
    public static boolean isCached(String name, Cache cache) {
        return (name.equalsIgnoreCase("imdb") || name.equalsIgnoreCase("stanfordnlp/imdb")) && ImdbSource.isCached(cache);
    }

    /** Reads what {@link DatasetDict#saveToDisk(Path)} wrote. */
    public static DatasetDict loadFromDisk(Path dir) {
        return DatasetDict.loadFromDisk(dir);
    }

    /** Rows of all datasets one after another; column names and types must match. */
    public static Dataset concatenate(Dataset... datasets) {
        if (datasets.length == 0) throw new IllegalArgumentException("nothing to concatenate");
        List<String> names = datasets[0].columnNames();
        Map<String, Column> cols = new LinkedHashMap<>();
        for (String name : names) {
            List<Column> parts = new ArrayList<>();
            for (Dataset d : datasets) {
                if (!d.columnNames().equals(names)) {
                    throw new BadInputException("cannot concatenate datasets with columns " + names + " and " + d.columnNames());
                }
                parts.add(d.column(name));
            }
            try {
                cols.put(name, Columns.concat(name, parts));
            } catch (IllegalStateException e) {
                throw new BadInputException("cannot concatenate: " + e.getMessage());
            }
        }
        return new Dataset(cols, datasets[0].features());
    }
}
