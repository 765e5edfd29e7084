package io.finetune4j.nn;

import io.finetune4j.BadInputException;
import io.finetune4j.torch.Tensor;

/** torch's {@code nn.Embedding}: rows of {@code weight [num, dim]} gathered by libtorch's embedding op. */
public final class TorchEmbedding extends Module {
    private final int numEmbeddings;
    private final int dim;
    private final Integer paddingIdx;
    private final Parameter weight;

    public TorchEmbedding(ParameterFactory f, int numEmbeddings, int dim, Integer paddingIdx) {
        this.numEmbeddings = numEmbeddings;
        this.dim = dim;
        this.paddingIdx = paddingIdx;
        this.weight = register("weight", f.create("weight", new long[] {numEmbeddings, dim}, ParameterFactory.Init.NORMAL,
                Parameter.Type.WEIGHT, paddingIdx == null ? -1 : paddingIdx));
    }

    private TorchEmbedding(int numEmbeddings, int dim, Parameter weight) {
        this.numEmbeddings = numEmbeddings;
        this.dim = dim;
        this.paddingIdx = null;
        this.weight = register("weight", weight);
    }

    /** An embedding whose initial table (when the checkpoint lacks it) is {@code initial}, row-major {@code [num, dim]}. */
    public static TorchEmbedding withInitialValues(ParameterFactory f, int numEmbeddings, int dim, float[] initial) {
        return new TorchEmbedding(numEmbeddings, dim, f.create("weight", new long[] {numEmbeddings, dim}, initial, Parameter.Type.WEIGHT));
    }

    /** {@code ids} int64 of any shape → {@code [..., dim]}. */
    public Tensor forward(Tensor ids) {
        Tensor out;
        try {
            out = Tensor.embedding(weight.data(), ids);
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("index out of range")) {
                throw e;
            }
            throw outOfRange(ids, e);
        }
        return InputNoise.apply(weight, out); // NEFTune while training, when on for this table
    }

    /** libtorch's "index out of range in self" as one line naming the id, the table and the likely cause. */
    private BadInputException outOfRange(Tensor ids, RuntimeException e) {
        long max = ids.max().toLongArray()[0];
        long min = ids.min().toLongArray()[0];
        long bad = min < 0 ? min : max;
        String table = weight.name() == null ? "the embedding" : weight.name().replaceAll("\\.weight$", "");
        String what = "id " + bad + " is outside the " + numEmbeddings + " rows of " + table;
        if (table.contains("word_embeddings") || table.contains("tok_embeddings")) {
            return new BadInputException("token " + what + " (the model's vocab_size): the tokenizer has more ids than the model,"
                    + " so it does not belong to this model; use the tokenizer saved with the model", e);
        }
        if (table.contains("position")) {
            return new BadInputException("position " + what + " (max_position_embeddings): the input is longer than the model"
                    + " allows; truncate it to at most " + numEmbeddings + " tokens", e);
        }
        return new BadInputException(what + "; the input does not fit this model", e);
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    protected String typeName() {
        return "Embedding";
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + dim + (paddingIdx != null ? ", padding_idx=" + paddingIdx : "");
    }

}
