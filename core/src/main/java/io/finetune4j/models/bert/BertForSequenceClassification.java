package io.finetune4j.models.bert;

import io.finetune4j.models.FrozenPrefix;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Autograd;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;

/** HF's {@code BertForSequenceClassification}: BERT with pooler, dropout and a linear classifier. */
public final class BertForSequenceClassification extends SequenceClassificationModel implements FrozenPrefix {
    public static final ModelClass<BertForSequenceClassification> CLASS = new ModelClass<>("BertForSequenceClassification",
            BertConfig::fromJson, BertForSequenceClassification::new, setOf("bert.embeddings.position_ids"));

    private final BertModel bert;
    private final TorchDropout dropout;
    private final TorchLinear classifier;

    BertForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
        BertConfig c = configAs(BertConfig.class, config, "BertForSequenceClassification");
        bert = register("bert", f, p -> new BertModel(c, p, true));
        dropout = register("dropout", new TorchDropout(c.effectiveClassifierDropout()));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.hiddenSize(), c.numLabels()));
    }

    /** A randomly initialised model (HF's init: normal(0, initializer_range), zero biases, LayerNorm 1/0). */
    public static BertForSequenceClassification random(BertConfig config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    /**
     * A model with parameter shapes but no values: prints and counts like the real one without allocating
     * (what {@code model show} needs for bert-base). Forward and saving fail on it.
     */
    public static BertForSequenceClassification shapesOnly(BertConfig config) {
        return CLASS.shapesOnly(config);
    }

    /** HF's {@code from_pretrained}: config.json + safetensors weights; missing head weights are initialised and reported. */
    public static BertForSequenceClassification fromPretrained(Path dir, LoadOptions options) {
        return CLASS.fromPretrained(dir, options);
    }

    public static BertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    @Override
    public BertConfig config() {
        return (BertConfig) config;
    }

    /** Pooled [CLS] → dropout → classifier. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor pooledOutput = bert.forward(inputIds, tokenTypeIds, attentionMask, training).pooledOutput();
        return classify(pooledOutput, training);
    }

    private Tensor classify(Tensor pooledOutput, boolean training) {
        return classifier.forward(dropout.forward(pooledOutput, training));
    }

    // ---- FrozenPrefix (cache_frozen_features): levels 0..L-1 encoder layers, L the pooler, L+1 the classifier; -1 the embeddings

    @Override
    public int numHiddenLayers() {
        return config().numHiddenLayers();
    }

    @Override
    public int lowestTrainableLevel() {
        int lowest = Integer.MAX_VALUE;
        for (java.util.Map.Entry<String, io.finetune4j.nn.Parameter> e : namedParameters().entrySet()) {
            if (e.getValue().requiresGrad()) {
                lowest = Math.min(lowest, level(e.getKey()));
            }
        }
        return lowest;
    }

    private int level(String name) {
        int layer = family().layerIndex(name);
        if (layer >= 0) {
            return layer;
        }
        if (name.startsWith(family().basePrefix() + ".pooler.")) {
            return numHiddenLayers();
        }
        if (name.startsWith("classifier.")) {
            return numHiddenLayers() + 1;
        }
        return -1; // embeddings
    }

    @Override
    public Tensor featuresAt(int level, Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) {
        int layers = numHiddenLayers();
        try (Autograd noGrad = Autograd.noGrad()) { // the frozen part: constants for what trains above it
            if (level <= layers) {
                Tensor hidden = bert.hiddenBefore(Math.min(level, layers), inputIds, tokenTypeIds, attentionMask, false);
                // the pooler reads the first position only
                return level == layers ? hidden.narrow(1, 0, 1) : hidden;
            }
            return bert.forward(inputIds, tokenTypeIds, attentionMask, false).pooledOutput();
        }
    }

    @Override
    public Tensor logitsFrom(int level, Tensor features, Tensor attentionMask, boolean training) {
        Tensor pooledOutput = level <= numHiddenLayers()
                ? bert.forwardFrom(level, features, level == numHiddenLayers() ? null : attentionMask, training).pooledOutput()
                : features;
        return classify(pooledOutput, training);
    }

    public BertModel bert() {
        return bert;
    }

    @Override
    protected String headPattern() {
        return "^(bert\\.pooler|classifier)\\.";
    }
}
