package io.finetune4j.cli;

import io.finetune4j.config.ConfigSources;
import io.finetune4j.train.ClassificationData;
import io.finetune4j.train.ModelEvaluation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code evaluate --model DIR --dataset imdb --split test}: accuracy, precision, recall, F1 and the confusion matrix. */
@Command(name = "evaluate", description = "Score a fine-tuned classifier on a data set split.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint folder (or a known model name).")
    String model;

    @Option(names = "--dataset", defaultValue = "imdb", description = "imdb or a local data set (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--split", defaultValue = "test", description = "Split, HF slicing allowed (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--max_samples", description = "Evaluate on a random sample of this many rows (seed --seed).")
    Integer maxSamples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of that sample (default ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--max_length", description = "Tokens per text (default: the model_max_length saved with the model, else 512).")
    Integer maxLength;

    @Option(names = "--truncation_side", description = "right keeps the beginning, left the end (default: as saved with the model, else right).")
    String truncationSide;

    @Option(names = "--batch_size", defaultValue = "64", description = "Evaluation batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--text_column_name", defaultValue = "text")
    String textColumn;

    @Option(names = "--label_column_name", defaultValue = "label")
    String labelColumn;

    @Option(names = "--use_cpu", description = "Run on the CPU even when a GPU is available.")
    boolean useCpu;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        io.finetune4j.train.DataArguments check = new io.finetune4j.train.DataArguments();
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        if (maxLength != null) {
            given.put("max_seq_length", maxLength);
        }
        if (truncationSide != null) {
            given.put("truncation_side", truncationSide);
        }
        io.finetune4j.config.ArgumentBinder.bind(check, given, "flags");
        check.validate();
        ClassificationData.Preprocessing prep = new ClassificationData.Preprocessing(textColumn, labelColumn, maxLength, false,
                truncationSide, null, false);
        ModelEvaluation.Result r = ModelEvaluation.run(new ModelEvaluation.Options(model, dataset, split, maxSamples, seed, batchSize,
                prep, useCpu));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", r.rows());
            m.put("metrics", r.metrics());
            m.put("labels", r.labels());
            m.put("confusion_matrix", r.confusionMatrix());
            out.println(ConfigSources.toJson(m));
        } else {
            out.printf(Locale.ROOT, "%s on %s %s (%d rows)%n", model, dataset, split, r.rows());
            r.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "  %-28s %.4f%n", k, v));
            out.println("  confusion matrix (rows: true label, columns: predicted)");
            StringBuilder head = new StringBuilder(String.format("  %12s", ""));
            r.labels().forEach(l -> head.append(String.format(" %10s", l)));
            out.println(head);
            for (int i = 0; i < r.confusionMatrix().length; i++) {
                StringBuilder row = new StringBuilder(String.format("  %12s", r.labels().get(i)));
                for (long c : r.confusionMatrix()[i]) {
                    row.append(String.format(" %10d", c));
                }
                out.println(row);
            }
        }
        out.flush();
        return Main.OK;
    }
}
