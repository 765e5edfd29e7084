package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;

/** HF's {@code AlbertForSequenceClassification}: pooled output → dropout(classifier_dropout_prob) → classifier. */
public final class AlbertForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<AlbertForSequenceClassification> CLASS = new ModelClass<>("AlbertForSequenceClassification",
            AlbertConfig::fromJson, AlbertForSequenceClassification::new, setOf("albert.embeddings.position_ids"));

    private final AlbertModel albert;
    private final TorchDropout dropout;
    private final TorchLinear classifier;

    AlbertForSequenceClassification(PretrainedConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        AlbertConfig c = configAs(AlbertConfig.class, config, "AlbertForSequenceClassification");
        albert = register("albert", f, p -> new AlbertModel(c, p, true));
        dropout = register("dropout", new TorchDropout(c.classifierDropoutProb()));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.hiddenSize(), c.numLabels()));
    }

    @Override
    public AlbertConfig config() {
        return (AlbertConfig) config;
    }

    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        return classifier.forward(dropout.forward(albert.forward(inputIds, tokenTypeIds, attentionMask, training).pooledOutput().nd(), training)); // BRIDGE
    }

    @Override
    protected String headPattern() {
        return "^(albert\\.pooler|classifier)\\.";
    }
}
