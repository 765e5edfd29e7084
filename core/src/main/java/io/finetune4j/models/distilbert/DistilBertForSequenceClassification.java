package io.finetune4j.models.distilbert;

import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code DistilBertForSequenceClassification}: the first token's hidden state → pre_classifier → ReLU →
 * dropout(seq_classif_dropout) → classifier. DistilBERT has no token types: tokenTypeIds are ignored.
 */
public final class DistilBertForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<DistilBertForSequenceClassification> CLASS = new ModelClass<>("DistilBertForSequenceClassification",
            DistilBertConfig::fromJson, DistilBertForSequenceClassification::new, setOf());

    private final DistilBertModel distilbert;
    private final TorchLinear preClassifier;
    private final TorchLinear classifier;
    private final TorchDropout dropout;

    DistilBertForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
        DistilBertConfig c = configAs(DistilBertConfig.class, config, "DistilBertForSequenceClassification");
        distilbert = register("distilbert", f, p -> new DistilBertModel(c, p));
        preClassifier = register("pre_classifier", f, p -> new TorchLinear(p, c.dim(), c.dim()));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.dim(), c.numLabels()));
        dropout = register("dropout", new TorchDropout(c.seqClassifDropout()));
    }

    @Override
    public DistilBertConfig config() {
        return (DistilBertConfig) config;
    }

    /** HF's forward up to the logits {@code [batch, num_labels]}. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor hiddenState = distilbert.forward(inputIds, attentionMask, training); // [batch, seq, dim]
        Tensor pooledOutput = hiddenState.select(1, 0); // [batch, dim]
        pooledOutput = preClassifier.forward(pooledOutput).relu();
        pooledOutput = dropout.forward(pooledOutput, training);
        return classifier.forward(pooledOutput);
    }

    public DistilBertModel distilbert() {
        return distilbert;
    }

    @Override
    protected String headPattern() {
        return "^(pre_classifier|classifier)\\.";
    }
}
