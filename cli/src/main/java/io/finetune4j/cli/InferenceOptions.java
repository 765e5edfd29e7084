package io.finetune4j.cli;

import io.finetune4j.pipeline.InferenceArguments;
import io.finetune4j.tokenize.EncodeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The options of {@link InferenceArguments}, each declared once here (with the aliases commands had) and mixed into
 * the commands that take it: predict, evaluate, serve, tokenize, bench, spark, fill-mask and export. A command mixes
 * in only the parts that apply to it (serve batches by --max_batch_size, tokenize loads no model) and binds them with
 * {@link #arguments}.
 */
final class InferenceOptions {
    private InferenceOptions() {}

    /** One option; sets its argument when it was given. */
    interface Part {
        void applyTo(InferenceArguments arguments);
    }

    /**
     * Rebuilds one mixed-in option of a command (from a {@code modelTransformer}): a command whose option differs
     * only in an alias or in being optional keeps the one declaration above.
     */
    static CommandSpec adjust(CommandSpec spec, String name, java.util.function.UnaryOperator<OptionSpec.Builder> change) {
        OptionSpec option = spec.findOption(name);
        spec.remove(option);
        spec.addOption(change.apply(option.toBuilder()).build());
        return spec;
    }

    /** The arguments the given parts set, the others at their defaults. */
    static InferenceArguments arguments(Part... parts) {
        InferenceArguments a = new InferenceArguments();
        for (Part p : parts) {
            p.applyTo(a);
        }
        return a;
    }

    static final class Model implements Part {
        @Option(names = {"--model", "--model_name_or_path"}, required = true, paramLabel = "DIR|NAME", description = InferenceArguments.MODEL_HELP)
        String model;

        @Override
        public void applyTo(InferenceArguments a) {
            a.model(model);
        }
    }

    static final class MaxSeqLength implements Part {
        @Option(names = {"--max_seq_length", "--max_length", "--max-length"}, paramLabel = "N", description = InferenceArguments.MAX_SEQ_LENGTH_HELP)
        Integer maxSeqLength;

        @Override
        public void applyTo(InferenceArguments a) {
            a.maxSeqLength(maxSeqLength);
        }
    }

    static final class TruncationSide implements Part {
        @Option(names = "--truncation_side", paramLabel = "left|right", converter = SideConverter.class,
                description = InferenceArguments.TRUNCATION_SIDE_HELP)
        EncodeOptions.Side truncationSide;

        /** The one place a truncation side is read from a flag. */
        static final class SideConverter implements CommandLine.ITypeConverter<EncodeOptions.Side> {
            @Override
            public EncodeOptions.Side convert(String value) {
                try {
                    return EncodeOptions.Side.parse(value);
                } catch (io.finetune4j.BadInputException e) {
                    throw new CommandLine.TypeConversionException("truncation_side must be left or right, got '" + value + "'");
                }
            }
        }

        @Override
        public void applyTo(InferenceArguments a) {
            a.truncationSide(truncationSide);
        }
    }

    static final class BatchSize implements Part {
        @Option(names = {"--batch_size", "--batch-size"}, paramLabel = "N", defaultValue = "" + InferenceArguments.DEFAULT_BATCH_SIZE,
                description = InferenceArguments.BATCH_SIZE_HELP + " (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Override
        public void applyTo(InferenceArguments a) {
            a.batchSize(batchSize);
        }
    }

    static final class Runtime implements Part {
        @Option(names = "--runtime", paramLabel = "torch|onnx", defaultValue = io.finetune4j.pipeline.ModelRuntimes.TORCH,
                description = InferenceArguments.RUNTIME_HELP + " (default: ${DEFAULT-VALUE}).")
        String runtime;

        @Override
        public void applyTo(InferenceArguments a) {
            a.runtime(runtime);
        }
    }

    static final class Quantized implements Part {
        @Option(names = "--quantized", description = InferenceArguments.QUANTIZED_HELP)
        boolean quantized;

        @Override
        public void applyTo(InferenceArguments a) {
            a.quantized(quantized);
        }
    }

    static final class UseCpu implements Part {
        @Option(names = "--use_cpu", description = InferenceArguments.USE_CPU_HELP)
        boolean useCpu;

        @Override
        public void applyTo(InferenceArguments a) {
            a.useCpu(useCpu);
        }
    }
}
