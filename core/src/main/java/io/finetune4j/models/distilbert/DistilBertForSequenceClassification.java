package io.finetune4j.models.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/**
 * HF's {@code DistilBertForSequenceClassification}: the first token's hidden state → pre_classifier → ReLU →
 * dropout(seq_classif_dropout) → classifier. DistilBERT has no token types: tokenTypeIds are ignored.
 */
public final class DistilBertForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<DistilBertForSequenceClassification> CLASS = new ModelClass<>("DistilBertForSequenceClassification",
            DistilBertConfig::fromJson, DistilBertForSequenceClassification::new, setOf());
    private static final NDIndex FIRST_TOKEN = new NDIndex(":, 0");

    private final DistilBertModel distilbert;
    private final TorchLinear preClassifier;
    private final TorchLinear classifier;
    private final TorchDropout dropout;

    DistilBertForSequenceClassification(PretrainedConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
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

    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray pooled = distilbert.forward(inputIds, attentionMask, training).get(FIRST_TOKEN);
        pooled = preClassifier.forward(pooled);
        pooled = pooled.getNDArrayInternal().relu();
        return classifier.forward(dropout.forward(pooled, training));
    }

    public DistilBertModel distilbert() {
        return distilbert;
    }

    @Override
    protected String headPattern() {
        return "^(pre_classifier|classifier)\\.";
    }
}
