package io.finetune4j.models.albert;

import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code AlbertForMaskedLM}: ALBERT without pooler, then {@link AlbertMLMHead} ({@code predictions}). */
public final class AlbertForMaskedLM extends MaskedLMModel {
    static final String BIAS = "predictions.bias";
    static final String DECODER_BIAS = "predictions.decoder.bias";
    public static final ModelClass<AlbertForMaskedLM> CLASS = new ModelClass<>("AlbertForMaskedLM", AlbertConfig::fromJson,
            AlbertForMaskedLM::new, setOf("predictions.decoder.weight", DECODER_BIAS, "albert.embeddings.position_ids"),
            AlbertForMaskedLM::renameDecoderBias);

    private final AlbertModel albert;
    private final AlbertMLMHead predictions;

    AlbertForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        AlbertConfig c = configAs(AlbertConfig.class, config, "AlbertForMaskedLM");
        albert = register("albert", f, p -> new AlbertModel(c, p, false));
        predictions = register("predictions", f, p -> new AlbertMLMHead(c, p, albert.embeddings().wordEmbeddings()));
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
    public AlbertConfig config() {
        return (AlbertConfig) config;
    }

    /** HF's forward up to the prediction logits {@code [batch, seq, vocab]}. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        return predictions.forward(albert.forward(inputIds, tokenTypeIds, attentionMask, training).lastHiddenState());
    }

    @Override
    protected String headPattern() {
        return "^predictions\\.";
    }
}
