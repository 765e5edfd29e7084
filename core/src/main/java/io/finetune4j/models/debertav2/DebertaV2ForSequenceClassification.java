package io.finetune4j.models.debertav2;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.Losses;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import java.nio.file.Path;

/**
 * HF's {@code DebertaV2ForSequenceClassification}: DeBERTa, the ContextPooler (first token, dense, activation),
 * dropout (cls_dropout, else hidden_dropout_prob) and a linear classifier.
 */
public final class DebertaV2ForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<DebertaV2ForSequenceClassification> CLASS = new ModelClass<>("DebertaV2ForSequenceClassification",
            DebertaV2Config::fromJson, DebertaV2ForSequenceClassification::new, setOf("deberta.embeddings.position_ids"));

    private final DebertaV2Model deberta;
    private final ContextPooler pooler;
    private final TorchLinear classifier;
    private final TorchDropout dropout;

    DebertaV2ForSequenceClassification(PretrainedConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        DebertaV2Config c = configAs(DebertaV2Config.class, config, "DebertaV2ForSequenceClassification");
        deberta = register("deberta", f, p -> new DebertaV2Model(c, p));
        pooler = register("pooler", f, p -> new ContextPooler(c, p));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.hiddenSize(), c.numLabels()));
        dropout = register("dropout", new TorchDropout(c.effectiveClassifierDropout()));
    }

    public static DebertaV2ForSequenceClassification random(DebertaV2Config config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    public static DebertaV2ForSequenceClassification fromPretrained(Path dir, LoadOptions options) {
        return CLASS.fromPretrained(dir, options);
    }

    public static DebertaV2ForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    @Override
    public DebertaV2Config config() {
        return (DebertaV2Config) config;
    }

    /** Last hidden state → ContextPooler → dropout → classifier. */
    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray pooled = pooler.forward(deberta.forward(inputIds, tokenTypeIds, attentionMask, training), training);
        return classifier.forward(dropout.forward(pooled, training));
    }

    /**
     * HF's DeBERTa loss. With a problem_type it is the shared one; without, DeBERTa's own rule: one label →
     * MSE; labels of shape {@code [batch]} (or {@code [batch, 1]}) → cross-entropy over the rows whose label is
     * >= 0 (negative labels are ignored, 0 when none is left); otherwise the labels are label distributions and
     * the loss is {@code -(log_softmax(logits) · labels).sum(-1).mean()}.
     */
    @Override
    public NDArray loss(NDArray logits, NDArray labels) {
        if (config.problemType() != null || config.numLabels() == 1) {
            return super.loss(logits, labels);
        }
        Shape s = labels.getShape();
        if (s.dimension() == 1 || s.get(s.dimension() - 1) == 1) {
            NDArray ids = labels.toType(DataType.INT64, false).reshape(-1);
            NDArray negative = ids.lt(0);
            NDArray ignored = ids.mul(negative.logicalNot().toType(DataType.INT64, false))
                    .add(negative.toType(DataType.INT64, false).mul(Losses.IGNORE_INDEX));
            return super.loss(logits, ignored);
        }
        return logits.logSoftmax(-1).mul(labels.toType(DataType.FLOAT32, false)).sum(new int[] {1}).mean().neg();
    }

    public DebertaV2Model deberta() {
        return deberta;
    }

    @Override
    protected String headPattern() {
        return "^(pooler|classifier)\\.";
    }
}
