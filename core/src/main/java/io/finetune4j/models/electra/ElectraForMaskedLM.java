package io.finetune4j.models.electra;

import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.torch.Tensor;

/** HF's {@code ElectraForMaskedLM} (the generator): generator_predictions, then generator_lm_head tied to the word embeddings. */
public final class ElectraForMaskedLM extends MaskedLMModel {
    public static final ModelClass<ElectraForMaskedLM> CLASS = new ModelClass<>("ElectraForMaskedLM", ElectraConfig::fromJson,
            ElectraForMaskedLM::new, setOf("generator_lm_head.weight", "electra.embeddings.position_ids"));

    private final ElectraModel electra;
    private final ElectraGeneratorPredictions generatorPredictions;
    private final TiedDecoder generatorLmHead;

    ElectraForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        ElectraConfig c = configAs(ElectraConfig.class, config, "ElectraForMaskedLM");
        electra = register("electra", f, p -> new ElectraModel(c, p));
        generatorPredictions = register("generator_predictions", f, p -> new ElectraGeneratorPredictions(c, p));
        Parameter bias = f.child("generator_lm_head").create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS);
        generatorLmHead = register("generator_lm_head", new TiedDecoder(electra.embeddings().wordEmbeddings(), bias, c.embeddingSize(), c.vocabSize()));
        generatorLmHead.registerBias(bias);
    }

    @Override
    public ElectraConfig config() {
        return (ElectraConfig) config;
    }

    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor generatorSequenceOutput = electra.forward(inputIds, tokenTypeIds, attentionMask, training);
        Tensor predictionScores = generatorPredictions.forward(generatorSequenceOutput);
        return generatorLmHead.forward(predictionScores);
    }

    @Override
    protected String headPattern() {
        return "^generator_";
    }
}
