package io.finetune4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.nn.Parameter;
import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small real model for trainer tests: masked mean of token embeddings, scaled by a LayerNorm-named
 * weight (to exercise no-decay), then a linear classifier. Real DJL ops, real autograd.
 */
final class TinyClassifier implements io.finetune4j.models.SequenceClassifier {
    final NDManager manager;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final int vocab;
    private final int dim;
    private final int numLabels;

    TinyClassifier(int vocab, int dim, int numLabels, long seed) {
        this.manager = NDManager.newBaseManager();
        this.vocab = vocab;
        this.dim = dim;
        this.numLabels = numLabels;
        Random rng = new Random(seed);
        add("embed.weight", new Shape(vocab, dim), random(rng, vocab * dim, 0.5f));
        add("LayerNorm.weight", new Shape(dim), ones(dim));
        add("classifier.weight", new Shape(numLabels, dim), random(rng, numLabels * dim, 0.1f));
        add("classifier.bias", new Shape(numLabels), new float[numLabels]);
    }

    private static float[] random(Random rng, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian() * scale;
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private void add(String name, Shape shape, float[] values) {
        Parameter p = Parameter.builder().setName(name).setType(name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT).build();
        NDArray a = manager.create(values, shape);
        a.setRequiresGradient(true);
        p.setArray(a);
        params.put(name, p);
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        return params;
    }

    @Override
    public NDArray logits(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, boolean training) {
        NDManager m = inputIds.getManager();
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(2);
        NDArray emb = inputIds.oneHot(vocab).toType(DataType.FLOAT32, false).matMul(w("embed.weight"));
        NDArray mean = emb.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
        NDArray h = mean.mul(w("LayerNorm.weight"));
        NDArray wt = w("classifier.weight").transpose();
        wt.attach(m); // a temporary of this forward pass, not of the parameters
        return h.matMul(wt).add(w("classifier.bias"));
    }

    @Override
    public NDArray loss(NDArray logits, NDArray labels) {
        return io.finetune4j.nn.Losses.crossEntropy(logits, labels, 0f);
    }

    private NDArray w(String name) {
        return params.get(name).getArray();
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    @Override
    public Map<Integer, String> id2label() {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < numLabels; i++) m.put(i, "LABEL_" + i);
        return m;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void savePretrained(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"tiny\", \"vocab_size\": " + vocab + ", \"hidden_size\": " + dim
                    + ", \"num_labels\": " + numLabels + "}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafeTensors.write(dir.resolve("model.safetensors"), stateDict(), Map.of("format", "pt"));
    }

    @Override
    public void loadWeights(Map<String, Tensor> weights) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Tensor t = weights.get(e.getKey());
            e.getValue().getArray().set(t.toFloats());
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, Tensor.ofFloats(p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        return out;
    }

    float[] weights(String name) {
        return params.get(name).getArray().toFloatArray();
    }

    @Override
    public void close() {
        manager.close();
    }
}
