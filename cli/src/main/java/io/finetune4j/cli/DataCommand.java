package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.data.ClassLabel;
import io.finetune4j.data.Dataset;
import io.finetune4j.data.DatasetDict;
import io.finetune4j.data.Datasets;
import io.finetune4j.data.Feature;
import io.finetune4j.data.LoadDatasetOptions;
import io.finetune4j.io.Cache;
import io.finetune4j.util.MachineInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code data show imdb|PATH} and {@code data fetch imdb}: look at data sets the way HF prints them. */
@Command(name = "data", description = "Show or fetch data sets (imdb, or a local folder/file).",
        subcommands = {DataCommand.Show.class, DataCommand.Fetch.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "show", description = "Print the DatasetDict summary, features and the first rows.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "DATASET", description = "imdb, or a local path (HF parquet folder, CSV/TSV/JSON/JSONL, aclImdb folder).")
        String source;

        @Option(names = "--split", description = "Only this split, HF slicing allowed: train, train[:10%%], test[100:2100].")
        String split;

        @Option(names = "--rows", defaultValue = "0", description = "Print this many rows of each shown split (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = {"--text_column_name", "--text-column"}, defaultValue = "text", description = "Text column (default: ${DEFAULT-VALUE}).")
        String textColumn;

        @Option(names = {"--label_column_name", "--label-column"}, defaultValue = "label", description = "Label column (default: ${DEFAULT-VALUE}).")
        String labelColumn;

        @Option(names = {"--skip_bad_rows", "--skip-bad-rows"}, description = "Skip and count bad rows instead of stopping at the first one.")
        boolean skipBadRows;

        @Mixin
        JsonOption json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (rows < 0) throw new io.finetune4j.BadInputException("--rows must be >= 0, got " + rows);
            LoadDatasetOptions options = LoadDatasetOptions.builder().split(split).textColumn(textColumn).labelColumn(labelColumn)
                    .onBadRows(skipBadRows ? LoadDatasetOptions.BadRows.SKIP : LoadDatasetOptions.BadRows.ERROR).build();
            long start = System.nanoTime();
            DatasetDict dict = Datasets.load(source, options);
            long millis = (System.nanoTime() - start) / 1_000_000;
            PrintWriter out = spec.commandLine().getOut();
            if (json.on()) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("source", source);
                Map<String, Object> splits = new LinkedHashMap<>();
                dict.asMap().forEach((name, d) -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("num_rows", d.numRows());
                    Map<String, Object> feats = new LinkedHashMap<>();
                    d.features().asMap().forEach((col, f) -> feats.put(col, describe(f)));
                    s.put("features", feats);
                    s.put("skipped_rows", dict.skippedRows().getOrDefault(name, 0));
                    List<Map<String, Object>> sample = new ArrayList<>();
                    for (int i = 0; i < Math.min(rows, d.numRows()); i++) sample.add(jsonRow(d, i));
                    s.put("rows", sample);
                    splits.put(name, s);
                });
                report.put("splits", splits);
                report.put("load_ms", millis);
                out.println(ConfigSources.toJson(report));
                out.flush();
                return Main.OK;
            }
            out.println(dict);
            Dataset first = dict.get(dict.splitNames().get(0));
            out.println("features: " + first.features());
            if (dict.totalSkippedRows() > 0) out.println("skipped bad rows: " + dict.skippedRows());
            dict.asMap().forEach((name, d) -> {
                for (int i = 0; i < Math.min(rows, d.numRows()); i++) out.println(name + "[" + i + "] " + d.formatRow(i, 120));
            });
            out.printf("loaded in %.2f s%n", millis / 1000.0);
            out.flush();
            return Main.OK;
        }

        private static Object describe(Feature f) {
            if (f instanceof ClassLabel c) return Map.of("_type", "ClassLabel", "names", c.names());
            if (f instanceof Feature.Sequence s) return Map.of("_type", "Sequence", "feature", describe(s.feature()));
            return Map.of("_type", "Value", "dtype", f.typeName());
        }

        private static Map<String, Object> jsonRow(Dataset d, int i) {
            Map<String, Object> row = new LinkedHashMap<>();
            d.row(i).forEach((k, v) -> row.put(k, v instanceof String s && s.length() > 120 ? s.substring(0, 120) + "…" : v));
            return row;
        }
    }

    @Command(name = "fetch", description = "Download a named data set (imdb) into the cache, once.")
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "imdb")
        String name;

        @Mixin
        JsonOption json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Datasets.FetchReport r = Datasets.fetch(name, Cache.standard());
            PrintWriter out = spec.commandLine().getOut();
            if (json.on()) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("dir", r.dir().toString());
                report.put("files", r.fileSizes());
                report.put("already_cached", r.alreadyCached());
                report.put("millis", r.millis());
                out.println(ConfigSources.toJson(report));
            } else {
                out.println((r.alreadyCached() ? "already cached: " : "cached in " + String.format("%.1f s", r.millis() / 1000.0) + ": ") + r.dir());
                r.fileSizes().forEach((f, size) -> out.printf("  %-15s %s%n", f, MachineInfo.humanBytes(size)));
            }
            out.flush();
            return Main.OK;
        }
    }
}
