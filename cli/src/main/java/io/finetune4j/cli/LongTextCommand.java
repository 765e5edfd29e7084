package io.finetune4j.cli;

import io.finetune4j.pipeline.LongTextEvaluation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code long-text}: does window averaging beat truncation on a split's texts longer than max_length? */
@Command(name = "long-text",
        description = "Score a split's texts longer than max_length truncated and in overlapping windows; print both accuracies.",
        modelTransformer = LongTextCommand.ClassifierModel.class)
final class LongTextCommand implements Callable<Integer> {
    @Mixin
    InferenceOptions.Model model;

    /** The shared --model option, described for this command. */
    static final class ClassifierModel implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            return InferenceOptions.adjust(spec, "--model", b -> b.description("A fine-tuned classifier whose label ids match the data set's labels."));
        }
    }

    @Option(names = "--dataset_name", defaultValue = "imdb", description = "imdb or a local data set with text and label columns (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--split", defaultValue = "test", description = "Split, HF slicing allowed (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--stride", paramLabel = "N", defaultValue = "128", description = "Tokens consecutive windows share (default ${DEFAULT-VALUE}).")
    int stride;

    @Option(names = "--max_eval_samples", paramLabel = "N",
            description = "Compare on the first N long texts after a shuffle with seed 42 (default: all of them).")
    Integer maxEvalSamples;

    @Option(names = "--per_device_eval_batch_size", paramLabel = "N", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LongTextEvaluation.Result r = LongTextEvaluation.evaluate(InferenceOptions.arguments(model).model(), dataset, split, stride, batchSize, maxEvalSamples);
        spec.commandLine().getOut().println(dataset + "/" + split + ", stride " + stride + ": " + r.describe());
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
