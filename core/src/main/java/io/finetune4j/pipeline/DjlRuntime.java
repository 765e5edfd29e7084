package io.finetune4j.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Parameter;
import io.finetune4j.BadInputException;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.PreTrainedModel;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The default runtime: a {@link SequenceClassifier} on DJL's PyTorch engine, in eval mode. Each
 * batch runs in a child NDManager that is closed after it.
 */
public final class DjlRuntime implements ModelRuntime {
    private final SequenceClassifier model;
    private final boolean owned;

    private DjlRuntime(SequenceClassifier model, boolean owned) {
        this.model = model;
        this.owned = owned;
    }

    /** Wraps a model already in memory; {@link #close()} leaves it open. */
    public static DjlRuntime of(SequenceClassifier model) {
        return new DjlRuntime(model, false);
    }

    /** DJL's setting for libtorch's intra-op pool, read once when the PyTorch engine starts. */
    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";

    /** Loads a checkpoint folder, or a PEFT adapter folder on top of the base model it names. */
    public static DjlRuntime open(Path dir, RuntimeOptions options) {
        if (options.intraOpThreads() > 0 && System.getProperty(NUM_THREADS) == null) {
            // One pool per process: effective when this load starts libtorch (a -D setting wins).
            System.setProperty(NUM_THREADS, String.valueOf(options.intraOpThreads()));
        }
        Path base = isAdapter(dir) ? adapterBase(dir) : null;
        SequenceClassifier m = base != null ? LoraModel.load(base, dir)
                : AutoModelForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(options.device()).build());
        return new DjlRuntime(m, true);
    }

    static boolean isAdapter(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve(LoraConfig.CONFIG_FILE));
    }

    /** The base model folder a PEFT adapter folder names. */
    static Path adapterBase(Path adapterDir) {
        String base = LoraConfig.baseModelNameOrPath(adapterDir);
        if (base == null || base.isBlank()) {
            throw new BadInputException(adapterDir + " is a PEFT adapter folder without base_model_name_or_path in "
                    + LoraConfig.CONFIG_FILE + "; set it to the base model's folder or name");
        }
        return PretrainedModels.resolve(base);
    }

    public SequenceClassifier model() {
        return model;
    }

    @Override
    public String name() {
        return ModelRuntimes.DJL;
    }

    @Override
    public float[] logits(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int batch, int sequenceLength) {
        try (NDManager step = model.manager().newSubManager()) {
            Shape shape = new Shape(batch, sequenceLength);
            NDArray ids = step.create(inputIds, shape);
            NDArray types = step.create(tokenTypeIds, shape);
            NDArray mask = step.create(attentionMask, shape);
            return model.logits(ids, types, mask, false).toFloatArray();
        }
    }

    @Override
    public int numLabels() {
        return model.numLabels();
    }

    @Override
    public Map<Integer, String> id2label() {
        return model.id2label();
    }

    @Override
    public int maxPositions() {
        return model instanceof PreTrainedModel pretrained ? pretrained.config().maxInputLength() : Integer.MAX_VALUE;
    }

    @Override
    public long numParameters() {
        long n = 0;
        for (Parameter p : model.namedParameters().values()) {
            n += p.getArray().getShape().size();
        }
        return n;
    }

    /** The model's own folder (for its tokenizer), when it was loaded from one. */
    Path sourceDir() {
        return model instanceof PreTrainedModel pretrained ? pretrained.sourceDir() : null;
    }

    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }
}
