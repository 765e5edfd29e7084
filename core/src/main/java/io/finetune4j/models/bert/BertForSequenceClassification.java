package io.finetune4j.models.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.SequenceClassificationModel;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchDropout;
import io.finetune4j.nn.TorchLinear;
import java.nio.file.Path;

/** HF's {@code BertForSequenceClassification}: BERT with pooler, dropout and a linear classifier. */
public final class BertForSequenceClassification extends SequenceClassificationModel {
    public static final ModelClass<BertForSequenceClassification> CLASS = new ModelClass<>("BertForSequenceClassification",
            BertForSequenceClassification::new, setOf("bert.embeddings.position_ids"));

    private final BertModel bert;
    private final TorchDropout dropout;
    private final TorchLinear classifier;

    BertForSequenceClassification(PretrainedConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        BertConfig c = configAs(BertConfig.class, config, "BertForSequenceClassification");
        bert = register("bert", f, p -> new BertModel(c, p, true));
        dropout = register("dropout", new TorchDropout(c.effectiveClassifierDropout()));
        classifier = register("classifier", f, p -> new TorchLinear(p, c.hiddenSize(), c.numLabels()));
    }

    /** A randomly initialised model (HF's init: normal(0, initializer_range), zero biases, LayerNorm 1/0). */
    public static BertForSequenceClassification random(BertConfig config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    /**
     * A model with parameter shapes but no values: prints and counts like the real one without allocating
     * (what {@code model show} needs for bert-base). Forward and saving fail on it.
     */
    public static BertForSequenceClassification shapesOnly(BertConfig config) {
        return CLASS.shapesOnly(config);
    }

    /** HF's {@code from_pretrained}: config.json + safetensors weights; missing head weights are initialised and reported. */
    public static BertForSequenceClassification fromPretrained(Path dir, LoadOptions options) {
        return CLASS.fromPretrained(dir, options);
    }

    public static BertForSequenceClassification fromPretrained(Path dir) {
        return fromPretrained(dir, LoadOptions.defaults());
    }

    @Override
    public BertConfig config() {
        return (BertConfig) config;
    }

    /** Pooled [CLS] → dropout → classifier. */
    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDArray pooled = bert.forward(inputIds, tokenTypeIds, attentionMask, training).pooledOutput();
        return classifier.forward(dropout.forward(pooled, training));
    }

    public BertModel bert() {
        return bert;
    }

    @Override
    protected String headPattern() {
        return "^(bert\\.pooler|classifier)\\.";
    }
}
