package io.finetune4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;

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
        this.weight = register("weight", f.create("weight", new Shape(numEmbeddings, dim), ParameterFactory.Init.NORMAL,
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
        return new TorchEmbedding(numEmbeddings, dim, f.create("weight", new Shape(numEmbeddings, dim), initial, Parameter.Type.WEIGHT));
    }

    /** {@code ids} int64 of any shape → {@code [..., dim]}, in {@code ids}' manager. */
    public NDArray forward(NDArray ids) {
        NDArray out = ids.getNDArrayInternal().embedding(ids, weight.getArray(), SparseFormat.DENSE).singletonOrThrow();
        return InputNoise.apply(weight, out); // NEFTune while training, when on for this table
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        return new NDList(forward(inputs.head()));
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
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
