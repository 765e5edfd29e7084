package io.finetune4j.models.modernbert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import java.nio.file.Path;

/**
 * HF's {@code ModernBertForSequenceClassification}: ModernBERT, pooling by classifier_pooling ({@code cls}: the
 * first token; {@code mean}: the mean over real tokens), the prediction head, dropout and the classifier.
 * Token type ids are ignored (ModernBERT has none).
 */
public final class ModernBertForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<ModernBertForSequenceClassification> CLASS = new ModelClass<>("ModernBertForSequenceClassification",
            ModernBertConfig::fromJson, ModernBertForSequenceClassification::new, setOf());

    private final ModernBertModel model;
    private final ModernBertPredictionHead head;
    private final TorchDropout drop;
    private final TorchLinear classifier;
    private final boolean meanPooling;

    ModernBertForSequenceClassification(PretrainedConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        ModernBertConfig c = configAs(ModernBertConfig.class, config, "ModernBertForSequenceClassification");
        meanPooling = "mean".equals(c.classifierPooling());
        model = register("model", f, p -> new ModernBertModel(c, p));
        head = register("head", f, p -> new ModernBertPredictionHead(c, p));
        drop = register("drop", new TorchDropout(c.classifierDropout()));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.hiddenSize(), c.numLabels()));
    }

    public static ModernBertForSequenceClassification random(ModernBertConfig config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    public static ModernBertForSequenceClassification fromPretrained(Path dir, LoadOptions options) {
        return CLASS.fromPretrained(dir, options);
    }

    public static ModernBertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    @Override
    public ModernBertConfig config() {
        return (ModernBertConfig) config;
    }

    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray hidden = model.forward(inputIds, attentionMask, training);
        NDArray pooled;
        if (!meanPooling) {
            pooled = hidden.get(":, 0, :");
        } else if (attentionMask == null) {
            pooled = hidden.mean(new int[] {1});
        } else {
            NDArray m = attentionMask.toType(DataType.FLOAT32, false);
            pooled = hidden.mul(m.expandDims(-1)).sum(new int[] {1}).div(m.sum(new int[] {1}, true));
        }
        return classifier.forward(drop.forward(head.forward(pooled), training));
    }

    public ModernBertModel model() {
        return model;
    }

    @Override
    protected String headPattern() {
        return "^(head|classifier)\\.";
    }
}
