package io.finetune4j.models.electra;

import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/** HF's {@code ElectraForSequenceClassification}: the discriminator's encoder, then {@link ElectraClassificationHead}. */
public final class ElectraForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<ElectraForSequenceClassification> CLASS = new ModelClass<>("ElectraForSequenceClassification",
            ElectraConfig::fromJson, ElectraForSequenceClassification::new, setOf("electra.embeddings.position_ids"));

    private final ElectraModel electra;
    private final ElectraClassificationHead classifier;

    ElectraForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
        ElectraConfig c = configAs(ElectraConfig.class, config, "ElectraForSequenceClassification");
        electra = register("electra", f, p -> new ElectraModel(c, p));
        classifier = register("classifier", f, p -> new ElectraClassificationHead(c, p));
    }

    @Override
    public ElectraConfig config() {
        return (ElectraConfig) config;
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor sequenceOutput = electra.forward(inputIds, tokenTypeIds, attentionMask, training);
        return classifier.forward(sequenceOutput, training);
    }

    @Override
    protected String headPattern() {
        return "^classifier\\.";
    }
}
