package io.finetune4j.models.debertav2;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HF's {@code DebertaV2ForMaskedLM}: DeBERTa plus, as config.legacy says, the {@code cls.predictions} head (legacy,
 * HF's default: BERT-style transform and a decoder tied to the word embeddings) or the {@code lm_predictions.lm_head}
 * head (DeBERTa's original one, also tied to the word embeddings).
 */
public final class DebertaV2ForMaskedLM extends MaskedLMModel {
    static final String DECODER_WEIGHT = "cls.predictions.decoder.weight";
    static final String DECODER_BIAS = "cls.predictions.decoder.bias";
    static final String BIAS = "cls.predictions.bias";

    public static final ModelClass<DebertaV2ForMaskedLM> CLASS = new ModelClass<>("DebertaV2ForMaskedLM", DebertaV2Config::fromJson,
            DebertaV2ForMaskedLM::new, setOf(DECODER_WEIGHT, DECODER_BIAS, "deberta.embeddings.position_ids"),
            DebertaV2ForMaskedLM::renameDecoderBias);

    private final DebertaV2Model deberta;
    private final LegacyDebertaV2OnlyMLMHead cls;
    private final DebertaV2OnlyMLMHead lmPredictions;

    DebertaV2ForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        DebertaV2Config c = configAs(DebertaV2Config.class, config, "DebertaV2ForMaskedLM");
        deberta = register("deberta", f, p -> new DebertaV2Model(c, p));
        if (c.legacy()) {
            cls = register("cls", f, p -> new LegacyDebertaV2OnlyMLMHead(c, p, deberta.embeddings().wordEmbeddings()));
            lmPredictions = null;
        } else {
            cls = null;
            lmPredictions = register("lm_predictions", f, p -> new DebertaV2OnlyMLMHead(c, p, deberta.embeddings().wordEmbeddings()));
        }
    }

    public static DebertaV2ForMaskedLM random(DebertaV2Config config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    public static DebertaV2ForMaskedLM fromPretrained(Path dir, LoadOptions options) {
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
    public DebertaV2Config config() {
        return (DebertaV2Config) config;
    }

    /** HF's forward up to the prediction logits {@code [batch, seq, vocab]}. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor sequenceOutput = deberta.forward(inputIds, tokenTypeIds, attentionMask, training);
        return cls != null ? cls.forward(sequenceOutput) : lmPredictions.forward(sequenceOutput);
    }

    public DebertaV2Model deberta() {
        return deberta;
    }

    /** The MLM head in use: {@code cls} (legacy) or {@code lm_predictions}. */
    public Module head() {
        return cls != null ? cls : lmPredictions;
    }

    @Override
    protected boolean supportsSdpa() {
        return false; // HF's DeBERTa-v2 has only its eager disentangled attention
    }

    @Override
    protected String headPattern() {
        return cls != null ? "^cls\\." : "^lm_predictions\\.";
    }
}
