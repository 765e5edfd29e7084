package io.finetune4j.models.albert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.finetune4j.io.Tensor;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.ParameterFactory;
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

    AlbertForMaskedLM(PretrainedConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        AlbertConfig c = configAs(AlbertConfig.class, config, "AlbertForMaskedLM");
        albert = register("albert", f, p -> new AlbertModel(c, p, false));
        predictions = register("predictions", f, p -> new AlbertMLMHead(c, p, albert.embeddings().wordEmbeddings()));
    }

    private static Map<String, Tensor> renameDecoderBias(Map<String, Tensor> weights) {
        if (weights.containsKey(BIAS) || !weights.containsKey(DECODER_BIAS)) {
            return weights;
        }
        Map<String, Tensor> out = new LinkedHashMap<>(weights);
        out.put(BIAS, out.remove(DECODER_BIAS));
        return out;
    }

    @Override
    public AlbertConfig config() {
        return (AlbertConfig) config;
    }

    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        return predictions.forward(albert.forward(inputIds, tokenTypeIds, attentionMask, training).lastHiddenState().nd()); // BRIDGE
    }

    @Override
    protected String headPattern() {
        return "^predictions\\.";
    }
}
