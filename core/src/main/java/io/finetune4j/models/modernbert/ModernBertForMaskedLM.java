package io.finetune4j.models.modernbert;

import io.finetune4j.models.LoadOptions;
import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Module;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;
import java.nio.file.Path;

/**
 * HF's {@code ModernBertForMaskedLM}: ModernBERT, the prediction head and the {@code decoder} (tied to the token
 * embeddings unless tie_word_embeddings is false; bias per decoder_bias). Dense logits for every position
 * (HF's sparse_prediction only changes which positions the loss sees, and -100 labels already exclude the rest).
 */
public final class ModernBertForMaskedLM extends MaskedLMModel {
    static final String DECODER_WEIGHT = "decoder.weight";

    public static final ModelClass<ModernBertForMaskedLM> CLASS = new ModelClass<>("ModernBertForMaskedLM", ModernBertConfig::fromJson,
            ModernBertForMaskedLM::new, setOf(DECODER_WEIGHT));

    private final ModernBertModel model;
    private final ModernBertPredictionHead head;
    private final Module decoder;

    ModernBertForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        ModernBertConfig c = configAs(ModernBertConfig.class, config, "ModernBertForMaskedLM");
        model = register("model", f, p -> new ModernBertModel(c, p));
        head = register("head", f, p -> new ModernBertPredictionHead(c, p));
        decoder = c.tieWordEmbeddings()
                ? register("decoder", f, p -> new TiedLinear(p, model.embeddings().tokEmbeddings(), c.hiddenSize(), c.vocabSize(), c.decoderBias()))
                : register("decoder", f, p -> new TorchLinear(p, c.hiddenSize(), c.vocabSize(), c.decoderBias()));
    }

    public static ModernBertForMaskedLM random(ModernBertConfig config, long seed, Device device) {
        return CLASS.fromConfig(config, seed, device);
    }

    public static ModernBertForMaskedLM fromPretrained(Path dir, LoadOptions options) {
        return CLASS.fromPretrained(dir, options);
    }

    @Override
    public ModernBertConfig config() {
        return (ModernBertConfig) config;
    }

    /** HF's forward up to the prediction logits {@code [batch, seq, vocab]}; ModernBERT has no token types. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor lastHiddenState = head.forward(model.forward(inputIds, attentionMask, training));
        return decoder instanceof TiedLinear tied ? tied.forward(lastHiddenState)
                : ((TorchLinear) decoder).forward(lastHiddenState);
    }

    public ModernBertModel model() {
        return model;
    }

    @Override
    protected String headPattern() {
        return "^(head|decoder)\\.";
    }
}
