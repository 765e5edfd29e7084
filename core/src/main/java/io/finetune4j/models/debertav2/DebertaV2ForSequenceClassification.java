package io.finetune4j.models.debertav2;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.Losses;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
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

    DebertaV2ForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
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

    /** HF's forward up to the logits: last hidden state → ContextPooler → dropout → classifier. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor encoderLayer = deberta.forward(inputIds, tokenTypeIds, attentionMask, training);
        Tensor pooledOutput = pooler.forward(encoderLayer, training);
        pooledOutput = dropout.forward(pooledOutput, training);
        return classifier.forward(pooledOutput);
    }

    /**
     * HF's DeBERTa loss. With a problem_type it is the shared one; without, DeBERTa's own rule: one label →
     * MSE; labels of shape {@code [batch]} (or {@code [batch, 1]}) → cross-entropy over the rows whose label is
     * >= 0 (negative labels are ignored, 0 when none is left); otherwise the labels are label distributions and
     * the loss is {@code -(log_softmax(logits) · labels).sum(-1).mean()}.
     */
    @Override
    public Tensor loss(Tensor logits, Tensor labels) {
        if (config.problemType() != null || config.numLabels() == 1) {
            return super.loss(logits, labels);
        }
        if (labels.dim() == 1 || labels.size(-1) == 1) {
            Tensor labelIndex = labels.to(DType.INT64).reshape(-1);
            Tensor negative = labelIndex.lt(0);
            Tensor ignored = labelIndex.mul(negative.logicalNot().to(DType.INT64))
                    .add(negative.to(DType.INT64).mul(Losses.IGNORE_INDEX)); // negative labels → ignore_index
            return super.loss(logits, ignored);
        }
        return logits.logSoftmax(-1).mul(labels.to(DType.FLOAT32)).sum(1, false).mean().neg();
    }

    public DebertaV2Model deberta() {
        return deberta;
    }

    @Override
    protected boolean supportsSdpa() {
        return false; // HF's DeBERTa-v2 has only its eager disentangled attention
    }

    @Override
    protected String headPattern() {
        return "^(pooler|classifier)\\.";
    }
}
