package io.finetune4j.models.roberta;

import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code RobertaForMaskedLM} (and {@code XLMRobertaForMaskedLM}): RoBERTa without pooler, plus {@link RobertaLMHead}. */
public final class RobertaForMaskedLM extends MaskedLMModel {
    static final String BIAS = "lm_head.bias";
    static final String DECODER_BIAS = "lm_head.decoder.bias";
    private static final java.util.Set<String> IGNORABLE = setOf("lm_head.decoder.weight", DECODER_BIAS,
            "roberta.embeddings.position_ids", "roberta.embeddings.token_type_ids");

    public static final ModelClass<RobertaForMaskedLM> CLASS = new ModelClass<>("RobertaForMaskedLM", RobertaConfig::fromJson,
            RobertaForMaskedLM::new, IGNORABLE, RobertaForMaskedLM::renameDecoderBias);
    public static final ModelClass<RobertaForMaskedLM> XLM_CLASS = new ModelClass<>("XLMRobertaForMaskedLM", RobertaConfig::fromJson,
            RobertaForMaskedLM::new, IGNORABLE, RobertaForMaskedLM::renameDecoderBias);

    private final RobertaModel roberta;
    private final RobertaLMHead lmHead;

    RobertaForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        RobertaConfig c = configAs(RobertaConfig.class, config, "RobertaForMaskedLM");
        roberta = register("roberta", f, p -> new RobertaModel(c, p, false));
        lmHead = register("lm_head", f, p -> new RobertaLMHead(c, p, roberta.embeddings().wordEmbeddings()));
        renameFamily("Roberta", c.classPrefix());
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
    public RobertaConfig config() {
        return (RobertaConfig) config;
    }

    @Override
    public String architecture() {
        return config().classPrefix() + "ForMaskedLM";
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        return lmHead.forward(roberta.forward(inputIds, tokenTypeIds, attentionMask, training).lastHiddenState());
    }

    @Override
    protected String headPattern() {
        return "^lm_head\\.";
    }

    @Override
    protected String typeName() {
        return architecture();
    }
}
