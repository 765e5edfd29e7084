package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;
import io.finetune4j.nn.Parameter;
import io.finetune4j.io.hub.PretrainedModels;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.PreTrainedModel;
import io.finetune4j.models.SequenceClassifier;
import io.finetune4j.models.auto.AutoModelForSequenceClassification;
import io.finetune4j.peft.LoraConfig;
import io.finetune4j.peft.LoraModel;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Scope;
import io.finetune4j.torch.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The default runtime: a {@link SequenceClassifier} on libtorch, in eval mode and under
 * {@code torch.no_grad()}. Each batch runs in a {@link Scope} that is closed after it. Its name, as
 * {@code --runtime} spells it, is {@value ModelRuntimes#TORCH} ({@code djl}, its earlier name, is still accepted).
 */
public final class TorchRuntime implements ModelRuntime {
    private final SequenceClassifier model;
    private final boolean owned;

    private TorchRuntime(SequenceClassifier model, boolean owned) {
        this.model = model;
        this.owned = owned;
    }

    /** Wraps a model already in memory; {@link #close()} leaves it open. */
    public static TorchRuntime of(SequenceClassifier model) {
        return new TorchRuntime(model, false);
    }

    /** The engine's setting for libtorch's intra-op pool, read once when libtorch starts (a -D setting wins). */
    static final String NUM_THREADS = io.finetune4j.torch.Torch.NUM_THREADS;

    /** Loads a checkpoint folder, or a PEFT adapter folder on top of the base model it names. */
    public static TorchRuntime open(Path dir, RuntimeOptions options) {
        if (options.intraOpThreads() > 0 && System.getProperty(NUM_THREADS) == null) {
            // One pool per process: effective when this load starts libtorch (a -D setting wins).
            System.setProperty(NUM_THREADS, String.valueOf(options.intraOpThreads()));
        }
        Path base = isAdapter(dir) ? adapterBase(dir) : null;
        SequenceClassifier m = base != null ? LoraModel.load(base, dir)
                : AutoModelForSequenceClassification.fromPretrained(dir, LoadOptions.builder().device(options.device()).build());
        return new TorchRuntime(m, true);
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
        return ModelRuntimes.TORCH;
    }

    @Override
    public float[] logits(long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int batch, int sequenceLength) {
        try (Autograd noGrad = Autograd.noGrad(); Scope step = Scope.open()) {
            Device device = device();
            Tensor ids = Tensor.of(inputIds, batch, sequenceLength).to(device);
            Tensor types = Tensor.of(tokenTypeIds, batch, sequenceLength).to(device);
            Tensor mask = Tensor.of(attentionMask, batch, sequenceLength).to(device);
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
            n += p.data().numel();
        }
        return n;
    }

    /** The model's own folder (for its tokenizer), when it was loaded from one. */
    Path sourceDir() {
        return model instanceof PreTrainedModel pretrained ? pretrained.sourceDir() : null;
    }

    /** Where the model's weights live (the inputs go there). */
    Device device() {
        return model.device();
    }

    @Override
    public void close() {
        if (owned) {
            model.close();
        }
    }
}
