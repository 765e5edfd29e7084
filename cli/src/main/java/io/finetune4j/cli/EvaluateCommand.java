package io.finetune4j.cli;

import io.finetune4j.BadInputException;
import io.finetune4j.config.ArgumentBinder;
import io.finetune4j.config.ConfigSources;
import io.finetune4j.train.ClassificationData;
import io.finetune4j.train.DataArguments;
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

/**
 * {@code evaluate --model DIR --dataset_name imdb --split test}: accuracy, precision, recall, F1 and the confusion matrix
 * (multi-label: micro averages at sigmoid 0.5; regression: mse, mae, pearson), by the model's problem_type.
 * Its flags carry train's HF names (DataArguments / TrainingArguments) for the same things; the older short
 * spellings stay as aliases.
 */
@Command(name = "evaluate", description = "Score a fine-tuned classifier on a data set split (flags: train's HF names).")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = {"--model", "--model_name_or_path"}, required = true, paramLabel = "DIR|NAME",
            description = "Checkpoint folder, PEFT adapter folder, or a known model name.")
    String model;

    @Option(names = "--dataset_name", description = "imdb or a local data set (default imdb; also --dataset).")
    String dataset;

    @Option(names = {"--split", "--validation_split_name"}, defaultValue = "test", description = "Split, HF slicing allowed (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--max_eval_samples", paramLabel = "N",
            description = "Evaluate on a random sample of this many rows (seed --shuffle_seed; also --max_samples).")
    Integer maxSamples;

    @Option(names = "--shuffle_seed", paramLabel = "N", description = "Seed of that sample (default 42; also --seed).")
    Integer seed;

    @Option(names = "--max_seq_length", paramLabel = "N",
            description = "Tokens per text (default: the model_max_length saved with the model, else 512; also --max_length).")
    Integer maxLength;

    @Option(names = "--truncation_side", description = "right keeps the beginning, left the end (default: as saved with the model, else right).")
    String truncationSide;

    @Option(names = "--per_device_eval_batch_size", paramLabel = "N",
            description = "Evaluation batch size (default 64; also --batch_size).")
    Integer batchSize;

    @Option(names = "--text_column_name", defaultValue = "text", description = "Column holding the text (default ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--text_column_names", paramLabel = "A,B", description = "Two comma-separated columns of a text pair (sentence1,sentence2), as in training.")
    String textColumnNames;

    @Option(names = "--label_column_name", defaultValue = "label", description = "Column holding the label (default ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--label_delimiter", paramLabel = "SEP",
            description = "Splits a text label into several (multi-label CSV, e.g. '|' for \"sports|politics\"), as in training.")
    String labelDelimiter;

    @Option(names = "--use_cpu", description = "Run on the CPU even when a GPU is available.")
    boolean useCpu;

    @Option(names = "--runtime", paramLabel = "djl|onnx", defaultValue = "djl",
            description = "djl: the safetensors checkpoint on libtorch; onnx: a folder from `export onnx` on ONNX Runtime (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--quantized", description = "With --runtime onnx: score onnx/model_quantized.onnx (int8).")
    boolean quantized;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    // The spellings evaluate had before it took train's names: still accepted, not shown. (No defaultValue on
    // the options above: picocli would apply it after these setters ran; call() fills the defaults.)
    @Option(names = "--dataset", hidden = true)
    void dataset(String value) {
        dataset = value;
    }

    @Option(names = "--max_samples", hidden = true)
    void maxSamples(Integer value) {
        maxSamples = value;
    }

    @Option(names = "--seed", hidden = true)
    void seed(Integer value) {
        seed = value;
    }

    @Option(names = "--max_length", hidden = true)
    void maxLength(Integer value) {
        maxLength = value;
    }

    @Option(names = "--batch_size", hidden = true)
    void batchSize(Integer value) {
        batchSize = value;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (dataset == null) {
            dataset = "imdb";
        }
        if (seed == null) {
            seed = 42;
        }
        if (batchSize == null) {
            batchSize = 64;
        }
        // The same DataArguments train binds, so values are checked (and errors worded) as there.
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("dataset_name", dataset);
        flags.put("validation_split_name", split);
        flags.put("text_column_name", textColumn);
        if (textColumnNames != null) {
            flags.put("text_column_names", textColumnNames);
        }
        flags.put("label_column_name", labelColumn);
        if (labelDelimiter != null) {
            flags.put("label_delimiter", labelDelimiter);
        }
        if (maxLength != null) {
            flags.put("max_seq_length", maxLength);
        }
        if (truncationSide != null) {
            flags.put("truncation_side", truncationSide);
        }
        flags.put("pad_to_max_length", false); // each batch padded to its longest text: same scores, less work
        flags.put("shuffle_seed", seed);
        if (maxSamples != null) {
            flags.put("max_eval_samples", maxSamples);
        }
        DataArguments data = ArgumentBinder.bind(new DataArguments(), flags, "flags").validate();
        if (batchSize < 1) {
            throw new BadInputException("per_device_eval_batch_size must be >= 1, got " + batchSize);
        }
        // Length and side left unset mean "as saved with the model" (tokenizer_config.json), as predict and serve do.
        ClassificationData.Preprocessing prep = new ClassificationData.Preprocessing(data.textColumnName(), data.labelColumnName(),
                maxLength, false, truncationSide == null ? null : io.finetune4j.tokenize.EncodeOptions.Side.parse(truncationSide), null, false, data.textPairColumnName());
        ModelEvaluation.Result r = ModelEvaluation.run(new ModelEvaluation.Options(model, data.datasetName(), data.validationSplitName(),
                data.maxEvalSamples(), data.shuffleSeed(), batchSize, prep, useCpu, runtime, quantized, data.labelDelimiter()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
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
            out.printf(Locale.ROOT, "%s on %s %s (%d rows, %s)%n", model, dataset, split, r.rows(), r.problemType());
            r.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "  %-28s %.4f%n", k, v));
        }
        if (!json && r.confusionMatrix() != null) {
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
