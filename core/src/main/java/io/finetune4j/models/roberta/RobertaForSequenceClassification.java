package io.finetune4j.models.roberta;

import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code RobertaForSequenceClassification} (and {@code XLMRobertaForSequenceClassification}): RoBERTa without
 * pooler, then {@link RobertaClassificationHead} on {@code <s>}.
 */
public final class RobertaForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<RobertaForSequenceClassification> CLASS = new ModelClass<>("RobertaForSequenceClassification",
            RobertaConfig::fromJson, RobertaForSequenceClassification::new,
            setOf("roberta.embeddings.position_ids", "roberta.embeddings.token_type_ids"));
    public static final ModelClass<RobertaForSequenceClassification> XLM_CLASS = new ModelClass<>("XLMRobertaForSequenceClassification",
            RobertaConfig::fromJson, RobertaForSequenceClassification::new, CLASS.ignorable());

    private final RobertaModel roberta;
    private final RobertaClassificationHead classifier;

    RobertaForSequenceClassification(PretrainedConfig config, ParameterFactory f) {
        super(config);
        RobertaConfig c = configAs(RobertaConfig.class, config, "RobertaForSequenceClassification");
        roberta = register("roberta", f, p -> new RobertaModel(c, p, false));
        classifier = register("classifier", f, p -> new RobertaClassificationHead(c, p));
        renameFamily("Roberta", c.classPrefix());
    }

    @Override
    public RobertaConfig config() {
        return (RobertaConfig) config;
    }

    @Override
    public String architecture() {
        return config().classPrefix() + "ForSequenceClassification";
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor sequenceOutput = roberta.forward(inputIds, tokenTypeIds, attentionMask, training).lastHiddenState();
        return classifier.forward(sequenceOutput, training);
    }

    public RobertaModel roberta() {
        return roberta;
    }

    @Override
    protected String headPattern() {
        return "^classifier\\.";
    }

    @Override
    protected String typeName() {
        return architecture();
    }
}
