package io.finetune4j.models.albert;

import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/** HF's {@code AlbertForSequenceClassification}: pooled output → dropout(classifier_dropout_prob) → classifier. */
public final class AlbertForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<AlbertForSequenceClassification> CLASS = new ModelClass<>("AlbertForSequenceClassification",
            AlbertConfig::fromJson, AlbertForSequenceClassification::new, setOf("albert.embeddings.position_ids"));

    private final AlbertModel albert;
    private final TorchDropout dropout;
    private final TorchLinear classifier;

    AlbertForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
        AlbertConfig c = configAs(AlbertConfig.class, config, "AlbertForSequenceClassification");
        albert = register("albert", f, p -> new AlbertModel(c, p, true));
        dropout = register("dropout", new TorchDropout(c.classifierDropoutProb()));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.hiddenSize(), c.numLabels()));
    }

    @Override
    public AlbertConfig config() {
        return (AlbertConfig) config;
    }

    /** HF's forward up to the logits {@code [batch, num_labels]}. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor pooledOutput = albert.forward(inputIds, tokenTypeIds, attentionMask, training).pooledOutput();
        pooledOutput = dropout.forward(pooledOutput, training);
        return classifier.forward(pooledOutput);
    }

    @Override
    protected String headPattern() {
        return "^(albert\\.pooler|classifier)\\.";
    }
}
