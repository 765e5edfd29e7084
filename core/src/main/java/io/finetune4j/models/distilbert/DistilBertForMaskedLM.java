package io.finetune4j.models.distilbert;

import io.finetune4j.models.MaskedLMModel;
import io.finetune4j.models.ModelClass;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activation;
import io.finetune4j.nn.Activations;
import io.finetune4j.nn.Parameter;
import io.finetune4j.nn.ParameterFactory;
import io.finetune4j.nn.TiedDecoder;
import io.finetune4j.nn.TorchLayerNorm;
import io.finetune4j.nn.TorchLinear;
import io.finetune4j.torch.Tensor;

/**
 * HF's {@code DistilBertForMaskedLM}: vocab_transform → activation → vocab_layer_norm → vocab_projector, whose
 * weight is tied to the word embeddings (its own bias is {@code vocab_projector.bias}).
 */
public final class DistilBertForMaskedLM extends MaskedLMModel {
    public static final ModelClass<DistilBertForMaskedLM> CLASS = new ModelClass<>("DistilBertForMaskedLM", DistilBertConfig::fromJson,
            DistilBertForMaskedLM::new, setOf("vocab_projector.weight"));

    private final Activation activation;
    private final DistilBertModel distilbert;
    private final TorchLinear vocabTransform;
    private final TorchLayerNorm vocabLayerNorm;
    private final TiedDecoder vocabProjector;

    DistilBertForMaskedLM(PretrainedConfig config, ParameterFactory f) {
        super(config);
        DistilBertConfig c = configAs(DistilBertConfig.class, config, "DistilBertForMaskedLM");
        activation = register("activation", Activations.get(c.activation()));
        distilbert = register("distilbert", f, p -> new DistilBertModel(c, p));
        vocabTransform = register("vocab_transform", f, p -> new TorchLinear(p, c.dim(), c.dim()));
        vocabLayerNorm = register("vocab_layer_norm", f, p -> new TorchLayerNorm(p, c.dim(), 1e-12));
        Parameter bias = f.child("vocab_projector").create("bias", new long[] {c.vocabSize()}, ParameterFactory.Init.ZEROS, Parameter.Type.BIAS);
        vocabProjector = register("vocab_projector", new TiedDecoder(distilbert.embeddings().wordEmbeddings(), bias, c.dim(), c.vocabSize()));
        vocabProjector.registerBias(bias);
    }

    @Override
    public DistilBertConfig config() {
        return (DistilBertConfig) config;
    }

    /** HF's forward up to the prediction logits {@code [batch, seq, vocab]}; DistilBERT has no token types. */
    @Override
    public Tensor logits(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, boolean training) {
        Tensor hiddenStates = distilbert.forward(inputIds, attentionMask, training);
        Tensor predictionLogits = activation.forward(vocabTransform.forward(hiddenStates));
        predictionLogits = vocabLayerNorm.forward(predictionLogits);
        return vocabProjector.forward(predictionLogits);
    }

    @Override
    protected String headPattern() {
        return "^vocab_";
    }
}
