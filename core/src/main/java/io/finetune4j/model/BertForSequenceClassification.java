package io.finetune4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.BadInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** HF's {@code BertForSequenceClassification}: BERT with pooler, dropout and a linear classifier. */
public final class BertForSequenceClassification extends BertPreTrainedModel implements SequenceClassifier, FrozenPrefix {
    private final BertModel bert;
    private final TorchDropout dropout;
    private final TorchLinear classifier;
    private float labelSmoothing;

    /** Logits {@code [batch, num_labels]} and, when labels were given, the mean loss (a scalar); both in the inputs' manager. */
    public record Output(NDArray logits, NDArray loss) {
        public boolean hasLoss() {
            return loss != null;
        }
    }

    BertForSequenceClassification(BertConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        bert = register("bert", new BertModel(config, f.child("bert"), true));
        dropout = register("dropout", new TorchDropout(config.effectiveClassifierDropout()));
        classifier = register("classifier", new TorchLinear(f.child("classifier"), config.hiddenSize(), config.numLabels()));
    }

    /** A randomly initialised model (HF's init: normal(0, initializer_range), zero biases, LayerNorm 1/0). */
    public static BertForSequenceClassification random(BertConfig config, long seed, Device device) {
        NDManager manager = newManager(device);
        try {
            return new BertForSequenceClassification(config, manager, ParameterFactory.random(manager, seed, config.initializerRange()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model with parameter shapes but no values: prints and counts like the real one without allocating
     * (what {@code model show} needs for bert-base). Forward and saving fail on it.
     */
    public static BertForSequenceClassification shapesOnly(BertConfig config) {
        return new BertForSequenceClassification(config, null, ParameterFactory.shapesOnly());
    }

    /** HF's {@code from_pretrained}: config.json + safetensors weights; missing head weights are initialised and reported. */
    public static BertForSequenceClassification fromPretrained(Path dir, LoadOptions options) {
        return load(dir, options, "BertForSequenceClassification",
                setOf("bert.embeddings.position_ids"), Function.identity(), BertForSequenceClassification::new);
    }

    public static BertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    /** Label smoothing of the cross-entropy loss (TrainingArguments' label_smoothing_factor); 0 by default. */
    public void setLabelSmoothing(float factor) {
        if (factor < 0f || factor >= 1f) {
            throw new BadInputException("label_smoothing_factor must be in [0, 1), got " + factor);
        }
        this.labelSmoothing = factor;
    }

    /**
     * HF's forward. Inputs int64 {@code [batch, seq]} (tokenTypeIds and attentionMask may be null).
     * With labels, the loss follows config.problem_type, inferred like HF when null: num_labels 1 →
     * regression (MSE), integer labels → single-label cross-entropy (with label smoothing), else multi-label BCE.
     */
    public Output forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, NDArray labels, boolean training) {
        NDArray pooled = bert.forward(inputIds, tokenTypeIds, attentionMask, training).pooledOutput();
        NDArray logits = classifier.forward(dropout.forward(pooled, training));
        if (labels == null) {
            return new Output(logits, null);
        }
        return new Output(logits, loss(logits, labels));
    }

    private NDArray loss(NDArray logits, NDArray labels) {
        String problem = config.problemType();
        if (problem == null) {
            if (config.numLabels() == 1) {
                problem = "regression";
            } else if (labels.getDataType().isInteger()) {
                problem = "single_label_classification";
            } else {
                problem = "multi_label_classification";
            }
        }
        return switch (problem) {
            case "regression" -> Losses.mse(logits, labels);
            case "single_label_classification" -> Losses.crossEntropy(logits, labels, labelSmoothing);
            case "multi_label_classification" -> Losses.binaryCrossEntropyWithLogits(logits, labels);
            default -> throw new BadInputException("problem_type '" + problem
                    + "' is unknown; use regression, single_label_classification or multi_label_classification");
        };
    }

    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        return forward(inputIds, tokenTypeIds, attentionMask, null, training).logits();
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        Output out = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null,
                inputs.size() > 3 ? inputs.get(3) : null, training);
        return out.hasLoss() ? new NDList(out.logits(), out.loss()) : new NDList(out.logits());
    }

    // ---- FrozenPrefix: levels 0..L-1 encoder layers, L the pooler, L+1 the classifier; -1 the embeddings

    @Override
    public int numHiddenLayers() {
        return config.numHiddenLayers();
    }

    @Override
    public int lowestTrainableLevel() {
        int lowest = Integer.MAX_VALUE;
        for (Map.Entry<String, ai.djl.nn.Parameter> e : namedParameters().entrySet()) {
            if (e.getValue().requiresGradient()) {
                lowest = Math.min(lowest, level(e.getKey()));
            }
        }
        return lowest;
    }

    private int level(String name) {
        String layerPrefix = "bert.encoder.layer.";
        if (name.startsWith(layerPrefix)) {
            return Integer.parseInt(name.substring(layerPrefix.length(), name.indexOf('.', layerPrefix.length())));
        }
        if (name.startsWith("bert.pooler.")) {
            return config.numHiddenLayers();
        }
        if (name.startsWith("classifier.")) {
            return config.numHiddenLayers() + 1;
        }
        return -1; // embeddings
    }

    @Override
    public NDArray featuresAt(int level, NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask) {
        int layers = config.numHiddenLayers();
        if (level <= layers) {
            NDArray hidden = bert.hiddenBefore(Math.min(level, layers), inputIds, tokenTypeIds, attentionMask, false);
            // the pooler reads the first position only
            return level == layers ? hidden.get(":, 0:1, :") : hidden;
        }
        return bert.forward(inputIds, tokenTypeIds, attentionMask, false).pooledOutput();
    }

    @Override
    public NDArray logitsFrom(int level, NDArray features, NDArray attentionMask, boolean training) {
        NDArray pooled = level <= config.numHiddenLayers()
                ? bert.forwardFrom(level, features, level == config.numHiddenLayers() ? null : attentionMask, training).pooledOutput()
                : features;
        return classifier.forward(dropout.forward(pooled, training));
    }

    public BertModel bert() {
        return bert;
    }

    @Override
    public int numLabels() {
        return config.numLabels();
    }

    @Override
    public Map<Integer, String> id2label() {
        return config.id2label();
    }

    @Override
    protected String headPattern() {
        return "^(bert\\.pooler|classifier)\\.";
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numLabels())};
    }
}
