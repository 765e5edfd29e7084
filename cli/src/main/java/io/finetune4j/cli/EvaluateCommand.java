package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.config.ConfigSources;
import io.finetune4j.tasks.ClassificationData;
import io.finetune4j.tasks.DataArguments;
import io.finetune4j.tasks.ModelEvaluation;
import io.finetune4j.pipeline.InferenceArguments;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code evaluate --model DIR --dataset_name imdb --split test}: accuracy, precision, recall, F1 and the confusion matrix
 * (multi-label: micro averages at sigmoid 0.5; regression: mse, mae, pearson), by the model's problem_type.
 * Its flags carry train's HF names (DataArguments / TrainingArguments) for the same things; the older short
 * spellings stay as aliases.
 */
@Command(name = "evaluate", description = "Score a fine-tuned classifier on a data set split (flags: train's HF names).")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    InferenceOptions.Model model;

    @Mixin
    InferenceOptions.MaxSeqLength maxSeqLength;

    @Mixin
    InferenceOptions.TruncationSide truncationSide;

    @Mixin
    InferenceOptions.Runtime runtime;

    @Mixin
    InferenceOptions.Quantized quantized;

    @Mixin
    InferenceOptions.UseCpu useCpu;

    // No defaultValue: picocli would apply it after the --batch_size alias below ran (InferenceArguments has the default).
    @Option(names = "--per_device_eval_batch_size", paramLabel = "N",
            description = "Evaluation batch size (default " + InferenceArguments.DEFAULT_BATCH_SIZE + "; also --batch_size).")
    Integer batchSize;

    @Mixin
    JsonOption json;

    /** Train's data arguments: each flag below binds straight into it, so names, defaults and checks are train's. */
    private final DataArguments data = new DataArguments();

    private void data(String name, Object value) {
        ArgumentBinder.bind(data, Map.of(name, value), "flags");
    }

    @Option(names = "--dataset_name", paramLabel = "NAME|PATH", description = "imdb or a local data set (default imdb; also --dataset).")
    void datasetName(String value) {
        data("dataset_name", value);
    }

    @Option(names = {"--split", "--validation_split_name"}, paramLabel = "SPLIT", description = "Split, HF slicing allowed (default test).")
    void split(String value) {
        data("validation_split_name", value);
    }

    @Option(names = "--max_eval_samples", paramLabel = "N",
            description = "Evaluate on a random sample of this many rows (seed --shuffle_seed; also --max_samples).")
    void maxEvalSamples(int value) {
        data("max_eval_samples", value);
    }

    @Option(names = "--shuffle_seed", paramLabel = "N", description = "Seed of that sample (default 42; also --seed).")
    void shuffleSeed(int value) {
        data("shuffle_seed", value);
    }

    @Option(names = "--text_column_name", paramLabel = "NAME", description = "Column holding the text (default text).")
    void textColumnName(String value) {
        data("text_column_name", value);
    }

    @Option(names = "--text_column_names", paramLabel = "A,B", description = "Two comma-separated columns of a text pair (sentence1,sentence2), as in training.")
    void textColumnNames(String value) {
        data("text_column_names", value);
    }

    @Option(names = "--label_column_name", paramLabel = "NAME", description = "Column holding the label (default label).")
    void labelColumnName(String value) {
        data("label_column_name", value);
    }

    @Option(names = "--label_delimiter", paramLabel = "SEP",
            description = "Splits a text label into several (multi-label CSV, e.g. '|' for \"sports|politics\"), as in training.")
    void labelDelimiter(String value) {
        data("label_delimiter", value);
    }

    // The spellings evaluate had before it took train's names: still accepted, not shown.
    @Option(names = "--dataset", hidden = true)
    void dataset(String value) {
        datasetName(value);
    }

    @Option(names = "--max_samples", hidden = true)
    void maxSamples(int value) {
        maxEvalSamples(value);
    }

    @Option(names = "--seed", hidden = true)
    void seed(int value) {
        shuffleSeed(value);
    }

    @Option(names = "--batch_size", hidden = true)
    void batchSize(int value) {
        batchSize = value;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        data.validate();
        InferenceArguments inference = InferenceOptions.arguments(model, maxSeqLength, truncationSide, runtime, quantized, useCpu);
        if (batchSize != null) {
            if (batchSize < 1) {
                throw new BadInputException("per_device_eval_batch_size must be >= 1, got " + batchSize);
            }
            inference.batchSize(batchSize);
        }
        ModelEvaluation.Result r = ModelEvaluation.run(ModelEvaluation.Options.of(inference, data));
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", r.rows());
            m.put("metrics", r.metrics());
            m.put("problem_type", r.problemType());
            m.put("labels", r.labels());
            if (r.confusionMatrix() != null) {
                m.put("confusion_matrix", r.confusionMatrix());
            }
            out.println(ConfigSources.toJson(m));
        } else {
            out.printf(Locale.ROOT, "%s on %s %s (%d rows, %s)%n", inference.model(), data.datasetName(), data.validationSplitName(), r.rows(),
                    r.problemType());
            r.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "  %-28s %.4f%n", k, v));
        }
        if (!json.on() && r.confusionMatrix() != null) {
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
