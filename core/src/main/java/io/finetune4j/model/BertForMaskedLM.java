package io.finetune4j.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.finetune4j.io.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** HF's {@code BertForMaskedLM}: BERT without pooler, plus the MLM head whose decoder is tied to the word embeddings. */
public final class BertForMaskedLM extends BertPreTrainedModel {
    static final String DECODER_WEIGHT = "cls.predictions.decoder.weight";
    static final String DECODER_BIAS = "cls.predictions.decoder.bias";
    static final String BIAS = "cls.predictions.bias";

    private final BertModel bert;
    private final BertOnlyMLMHead cls;

    /** Prediction scores {@code [batch, seq, vocab]} and, when labels were given, the mean loss over non -100 labels. */
    public record Output(NDArray logits, NDArray loss) {
        public boolean hasLoss() {
            return loss != null;
        }
    }

    BertForMaskedLM(BertConfig config, NDManager manager, ParameterFactory f) {
        super(config, manager);
        bert = register("bert", new BertModel(config, f.child("bert"), false));
        cls = register("cls", new BertOnlyMLMHead(config, f.child("cls"), bert.embeddings().wordEmbeddings()));
    }

    public static BertForMaskedLM random(BertConfig config, long seed, Device device) {
        NDManager manager = newManager(device);
        try {
            return new BertForMaskedLM(config, manager, ParameterFactory.random(manager, seed, config.initializerRange()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Loads a checkpoint; {@code cls.predictions.decoder.weight} is ignored (tied to the word embeddings) and
     * {@code cls.predictions.decoder.bias} is used as {@code cls.predictions.bias} when that is absent.
     */
    public static BertForMaskedLM fromPretrained(Path dir, LoadOptions options) {
        return load(dir, options, "BertForMaskedLM", setOf(DECODER_WEIGHT, DECODER_BIAS, "bert.embeddings.position_ids"),
                BertForMaskedLM::renameDecoderBias, BertForMaskedLM::new);
    }

    private static Map<String, Tensor> renameDecoderBias(Map<String, Tensor> weights) {
        if (weights.containsKey(BIAS) || !weights.containsKey(DECODER_BIAS)) {
            return weights;
        }
        Map<String, Tensor> out = new LinkedHashMap<>(weights);
        out.put(BIAS, out.remove(DECODER_BIAS));
        return out;
    }

    /**
     * @param labels int64 {@code [batch, seq]} with -100 where no prediction counts, or null
     */
    public Output forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, NDArray labels, boolean training) {
        NDArray sequence = bert.forward(inputIds, tokenTypeIds, attentionMask, training).lastHiddenState();
        NDArray scores = cls.forward(sequence);
        return new Output(scores, labels == null ? null : Losses.crossEntropy(scores, labels, 0f));
    }

    public BertModel bert() {
        return bert;
    }

    public BertOnlyMLMHead cls() {
        return cls;
    }

    @Override
    public NDList forward(NDList inputs, boolean training) {
        Output out = forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, inputs.size() > 2 ? inputs.get(2) : null,
                inputs.size() > 3 ? inputs.get(3) : null, training);
        return out.hasLoss() ? new NDList(out.logits(), out.loss()) : new NDList(out.logits());
    }

    @Override
    protected String headPattern() {
        return "^cls\\.";
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return cls.getOutputShapes(bert.getOutputShapes(inputShapes));
    }
}
