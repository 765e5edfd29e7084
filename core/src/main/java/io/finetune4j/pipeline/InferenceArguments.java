package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import io.finetune4j.config.Arg;
import io.finetune4j.io.Environment;
import io.finetune4j.tokenize.EncodeOptions;
import io.finetune4j.tokenize.MaxLength;

/**
 * How a fine-tuned model runs for inference: the arguments predict, evaluate, serve, tokenize, bench and spark share,
 * each with one name, one default and one check. The CLI declares each as one option (with the aliases that exist
 * today) and binds it here; library callers set them with the fluent setters. Unset, the max length and truncation
 * side are the ones saved with the model (its tokenizer_config.json), resolved by {@link MaxLength} once the model is
 * known.
 */
public final class InferenceArguments {
    public static final String MODEL_HELP = "Checkpoint folder (config.json, model.safetensors, tokenizer files) or a known model name "
            + "such as bert-base-uncased; for a classifier also a PEFT adapter folder (run on its base model).";
    public static final String MAX_SEQ_LENGTH_HELP = "Tokens per input, special tokens included (default: the model_max_length saved "
            + "with the model, else the model's limit, 512 for BERT); more than the model's positions is refused.";
    public static final String TRUNCATION_SIDE_HELP = "Which end of a long text to cut: right keeps the beginning, left the end "
            + "(default: as saved with the model, else right).";
    /** Without a period: the CLI adds its default. */
    public static final String BATCH_SIZE_HELP = "Texts per forward pass";
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** Without a period: the CLI adds its default. */
    public static final String RUNTIME_HELP = "djl: the safetensors checkpoint on libtorch; onnx: a folder from `export onnx` "
            + "on ONNX Runtime";
    public static final String QUANTIZED_HELP = "With --runtime onnx: run onnx/model_quantized.onnx (int8).";
    public static final String USE_CPU_HELP = "Run on the CPU even when a GPU is available.";

    @Arg(name = "model", help = MODEL_HELP)
    String model;
    @Arg(name = "max_seq_length", help = MAX_SEQ_LENGTH_HELP)
    Integer maxSeqLength;
    @Arg(name = "truncation_side", help = TRUNCATION_SIDE_HELP)
    EncodeOptions.Side truncationSide;
    @Arg(name = "batch_size", help = BATCH_SIZE_HELP + ".")
    int batchSize = DEFAULT_BATCH_SIZE;
    @Arg(name = "runtime", help = RUNTIME_HELP + ".")
    String runtime = ModelRuntimes.TORCH;
    @Arg(name = "quantized", help = QUANTIZED_HELP)
    boolean quantized;
    @Arg(name = "use_cpu", help = USE_CPU_HELP)
    boolean useCpu;

    /** The defaults (no model yet). */
    public InferenceArguments() {}

    public InferenceArguments model(String pathOrName) {
        this.model = pathOrName;
        return this;
    }

    /** Null: the model_max_length saved with the model, within its positions ({@link MaxLength}). */
    public InferenceArguments maxSeqLength(Integer tokens) {
        this.maxSeqLength = MaxLength.check(tokens);
        return this;
    }

    /** Null: the truncation_side saved with the model. */
    public InferenceArguments truncationSide(EncodeOptions.Side side) {
        this.truncationSide = side;
        return this;
    }

    public InferenceArguments batchSize(int n) {
        if (n < 1) {
            throw new BadInputException("batch_size must be at least 1, got " + n);
        }
        this.batchSize = n;
        return this;
    }

    /** {@code djl} (default) or another runtime on the class path, e.g. {@code onnx}; null: djl. */
    public InferenceArguments runtime(String name) {
        this.runtime = name == null ? ModelRuntimes.TORCH : name;
        return this;
    }

    public InferenceArguments quantized(boolean on) {
        this.quantized = on;
        return this;
    }

    public InferenceArguments useCpu(boolean on) {
        this.useCpu = on;
        return this;
    }

    public String model() { return model; }
    public Integer maxSeqLength() { return maxSeqLength; }
    public EncodeOptions.Side truncationSide() { return truncationSide; }
    public int batchSize() { return batchSize; }
    public String runtime() { return runtime; }
    public boolean quantized() { return quantized; }
    public boolean useCpu() { return useCpu; }

    /** A text-classification pipeline with these arguments (more can be set on the builder before build()). */
    public TextClassificationPipeline.Builder pipeline() {
        if (model == null) {
            throw new BadInputException("no model given: pass a checkpoint folder or a model name");
        }
        TextClassificationPipeline.Builder b = TextClassificationPipeline.builder().model(model).maxLength(maxSeqLength)
                .truncationSide(truncationSide).batchSize(batchSize).runtime(runtime).quantized(quantized);
        if (useCpu) {
            b.device(Environment.device(true));
        }
        return b;
    }
}
