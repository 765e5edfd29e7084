package io.finetune4j.models.modernbert;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
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

    ModernBertForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
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

    /** HF's forward up to the logits: pooling by classifier_pooling, head, drop, classifier. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor lastHiddenState = model.forward(inputIds, attentionMask, training);
        Tensor pooledOutput;
        if (!meanPooling) {
            pooledOutput = lastHiddenState.select(1, 0);
        } else if (attentionMask == null) {
            pooledOutput = lastHiddenState.mean(1, false);
        } else {
            Tensor mask = attentionMask.to(DType.FLOAT32);
            pooledOutput = lastHiddenState.mul(mask.unsqueeze(-1)).sum(1, false).div(mask.sum(1, true));
        }
        pooledOutput = head.forward(pooledOutput);
        pooledOutput = drop.forward(pooledOutput, training);
        return classifier.forward(pooledOutput);
    }

    public ModernBertModel model() {
        return model;
    }

    @Override
    protected String headPattern() {
        return "^(head|classifier)\\.";
    }
}
