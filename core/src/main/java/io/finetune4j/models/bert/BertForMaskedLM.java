package io.finetune4j.models.bert;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code BertForMaskedLM}: BERT without pooler, plus the MLM head whose decoder is tied to the word embeddings. */
public final class BertForMaskedLM extends MaskedLMModel {
    static final String DECODER_WEIGHT = "cls.predictions.decoder.weight";
    static final String DECODER_BIAS = "cls.predictions.decoder.bias";
    static final String BIAS = "cls.predictions.bias";

    /**
     * {@code cls.predictions.decoder.weight} is ignored (tied to the word embeddings) and
     * {@code cls.predictions.decoder.bias} is used as {@code cls.predictions.bias} when that is absent.
     */
    public static final ModelClass<BertForMaskedLM> CLASS = new ModelClass<>("BertForMaskedLM", BertConfig::fromJson,
            BertForMaskedLM::new, setOf(DECODER_WEIGHT, DECODER_BIAS, "bert.embeddings.position_ids"),
            BertForMaskedLM::renameDecoderBias);

    private final BertModel bert;
    private final BertOnlyMLMHead cls;

    BertForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        BertConfig c = configAs(BertConfig.class, config, "BertForMaskedLM");
        bert = register("bert", f, p -> new BertModel(c, p, false));
        cls = register("cls", f, p -> new BertOnlyMLMHead(c, p, bert.embeddings().wordEmbeddings()));
    }

    public static BertForMaskedLM random(BertConfig config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    public static BertForMaskedLM fromPretrained(Path dir, LoadOptions options) {
        return CLASS.fromPretrained(dir, options);
    }

    private static Map<String, io.finetune4j.io.Tensor> renameDecoderBias(Map<String, io.finetune4j.io.Tensor> weights) {
        if (weights.containsKey(BIAS) || !weights.containsKey(DECODER_BIAS)) {
            return weights;
        }
        Map<String, io.finetune4j.io.Tensor> out = new LinkedHashMap<>(weights);
        out.put(BIAS, out.remove(DECODER_BIAS));
        return out;
    }

    @Override
    public BertConfig config() {
        return (BertConfig) config;
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor sequenceOutput = bert.forward(inputIds, tokenTypeIds, attentionMask, training).lastHiddenState();
        return cls.forward(sequenceOutput);
    }

    public BertModel bert() {
        return bert;
    }

    public BertOnlyMLMHead cls() {
        return cls;
    }

    @Override
    protected String headPattern() {
        return "^cls\\.";
    }
}
