package io.finetune4j.nn;

import io.finetune4j.torch.Tensor;

/**
 * The MLM decoder: a Linear whose weight IS the word-embedding matrix (HF ties them) and whose bias is
 * {@code cls.predictions.bias}. It owns no weight, so nothing is saved twice.
 */
public final class TiedDecoder extends Module {
    private final TorchEmbedding wordEmbeddings;
    private final Parameter bias;
    private final int hiddenSize;
    private final int vocabSize;

    public TiedDecoder(TorchEmbedding wordEmbeddings, Parameter bias, int hiddenSize, int vocabSize) {
        this.wordEmbeddings = wordEmbeddings;
        this.bias = bias;
        this.hiddenSize = hiddenSize;
        this.vocabSize = vocabSize;
    }

    /** Makes {@code bias} this module's own parameter {@code bias} (DistilBERT's {@code vocab_projector.bias}); the weight stays tied. */
    public void registerBias(Parameter bias) {
        if (bias != this.bias) {
            throw new IllegalArgumentException("registerBias takes the bias this decoder was built with");
        }
        register("bias", bias);
    }

    /** {@code [..., hidden]} → {@code [..., vocab]}. */
    public Tensor forward(Tensor hidden) {
        return Tensor.linear(hidden, wordEmbeddings.weight().data(), bias.data());
    }

    /** The weight used: the word embeddings' parameter itself. */
    public Parameter weight() {
        return wordEmbeddings.weight();
    }

    @Override
    protected String typeName() {
        return "Linear";
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + hiddenSize + ", out_features=" + vocabSize + ", bias=True";
    }

}
