package io.finetune4j.train;

import io.finetune4j.io.SafeTensors;
import io.finetune4j.io.Tensor;
import io.finetune4j.nn.Parameter;
import io.finetune4j.torch.DType;
import io.finetune4j.torch.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small real model for trainer tests: masked mean of token embeddings, scaled by a LayerNorm-named
 * weight (to exercise no-decay), then a linear classifier. Real libtorch ops, real autograd.
 */
final class TinyClassifier implements io.finetune4j.models.SequenceClassifier {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final int vocab;
    private final int dim;
    private final int numLabels;

    TinyClassifier(int vocab, int dim, int numLabels, long seed) {
        this.vocab = vocab;
        this.dim = dim;
        this.numLabels = numLabels;
        Random rng = new Random(seed);
        add("embed.weight", new long[] {vocab, dim}, random(rng, vocab * dim, 0.5f));
        add("LayerNorm.weight", new long[] {dim}, ones(dim));
        add("classifier.weight", new long[] {numLabels, dim}, random(rng, numLabels * dim, 0.1f));
        add("classifier.bias", new long[] {numLabels}, new float[numLabels]);
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

    private void add(String name, long[] shape, float[] values) {
        io.finetune4j.torch.Tensor data = Scope.detachFromScopes(io.finetune4j.torch.Tensor.of(values, shape));
        params.put(name, Parameter.of(name, name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT, data).requiresGrad_(true));
    }

    @Override
    public Map<String, Parameter> namedParameters() {
        return params;
    }

    @Override
    public io.finetune4j.torch.Tensor logits(io.finetune4j.torch.Tensor inputIds, io.finetune4j.torch.Tensor tokenTypeIds,
            io.finetune4j.torch.Tensor attentionMask, boolean training) {
        io.finetune4j.torch.Tensor mask = attentionMask.to(DType.FLOAT32).unsqueeze(2);
        io.finetune4j.torch.Tensor emb = inputIds.oneHot(vocab).to(DType.FLOAT32).matmul(w("embed.weight"));
        io.finetune4j.torch.Tensor mean = emb.mul(mask).sum(1, false).div(mask.sum(1, false).maximum(1.0));
        io.finetune4j.torch.Tensor h = mean.mul(w("LayerNorm.weight"));
        return h.matmul(w("classifier.weight").transpose(0, 1)).add(w("classifier.bias"));
    }

    @Override
    public io.finetune4j.torch.Tensor loss(io.finetune4j.torch.Tensor logits, io.finetune4j.torch.Tensor labels) {
        return io.finetune4j.nn.Losses.crossEntropy(logits, labels, 0f);
    }

    private io.finetune4j.torch.Tensor w(String name) {
        return params.get(name).data();
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
    public io.finetune4j.torch.Device device() {
        return w("embed.weight").device();
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
            // with torch.no_grad(): p.copy_(v) (torch refuses in-place writes to a leaf that requires grad under autograd)
            try (io.finetune4j.torch.Autograd noGrad = io.finetune4j.torch.Autograd.noGrad();
                    io.finetune4j.torch.Tensor src = io.finetune4j.torch.Tensor.of(t.toFloats(), t.shape())) {
                e.getValue().data().copy_(src);
            }
        }
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, Tensor.ofFloats(p.shape(), p.data().toFloatArray())));
        return out;
    }

    float[] weights(String name) {
        return params.get(name).data().toFloatArray();
    }

    @Override
    public void close() {
        params.values().forEach(Parameter::close);
    }
}
