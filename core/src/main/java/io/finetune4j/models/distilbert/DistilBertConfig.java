package io.finetune4j.models.distilbert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.nn.Activations;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * HF's {@code DistilBertConfig}, with its own field names ({@code dim}, {@code n_layers}, {@code n_heads},
 * {@code hidden_dim}, {@code dropout}, {@code attention_dropout}, {@code activation}, {@code seq_classif_dropout}) and
 * defaults; {@link #hiddenSize()} and {@link #numHiddenLayers()} are HF's attribute_map names for dim and n_layers.
 */
public record DistilBertConfig(
        int vocabSize,
        int maxPositionEmbeddings,
        boolean sinusoidalPosEmbds,
        int nLayers,
        int nHeads,
        int dim,
        int hiddenDim,
        double dropout,
        double attentionDropout,
        String activation,
        double initializerRange,
        double qaDropout,
        double seqClassifDropout,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "distilbert";
    private static final Set<String> KNOWN = Set.of("vocab_size", "max_position_embeddings", "sinusoidal_pos_embds", "n_layers",
            "n_heads", "dim", "hidden_dim", "dropout", "attention_dropout", "activation", "initializer_range", "qa_dropout",
            "seq_classif_dropout", "pad_token_id");

    public DistilBertConfig {
        if (nHeads <= 0 || dim % nHeads != 0) {
            throw new BadInputException("dim " + dim + " is not a multiple of n_heads " + nHeads + "; fix config.json");
        }
        if (!Activations.supports(activation)) {
            throw new BadInputException("activation '" + activation + "' is not supported; use one of " + String.join(", ", Activations.NAMES));
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    /** HF's DistilBertConfig() defaults (distilbert-base-uncased's shape). */
    public static DistilBertConfig base() {
        return new DistilBertConfig(30522, 512, false, 6, 12, 768, 4 * 768, 0.1, 0.1, "gelu", 0.02, 0.1, 0.2, 0,
                ConfigJson.defaultLabels(2), null, null, null, Map.of());
    }

    /** A tiny DistilBERT for tests: dim 32, 2 layers, 2 heads, hidden_dim 64, vocab 200, 64 positions. */
    public static DistilBertConfig tiny(boolean sinusoidal) {
        return new DistilBertConfig(200, 64, sinusoidal, 2, 2, 32, 64, 0.1, 0.1, "gelu", 0.02, 0.1, 0.2, 0,
                ConfigJson.defaultLabels(2), null, null, null, Map.of());
    }

    public static DistilBertConfig fromJson(ObjectNode root, String source) {
        DistilBertConfig d = base();
        return new DistilBertConfig(
                ConfigJson.intField(root, "vocab_size", d.vocabSize, source),
                ConfigJson.intField(root, "max_position_embeddings", d.maxPositionEmbeddings, source),
                ConfigJson.boolField(root, "sinusoidal_pos_embds", d.sinusoidalPosEmbds),
                ConfigJson.intField(root, "n_layers", d.nLayers, source),
                ConfigJson.intField(root, "n_heads", d.nHeads, source),
                ConfigJson.intField(root, "dim", d.dim, source),
                ConfigJson.intField(root, "hidden_dim", d.hiddenDim, source),
                ConfigJson.doubleField(root, "dropout", d.dropout),
                ConfigJson.doubleField(root, "attention_dropout", d.attentionDropout),
                root.path("activation").asText(d.activation),
                ConfigJson.doubleField(root, "initializer_range", d.initializerRange),
                ConfigJson.doubleField(root, "qa_dropout", d.qaDropout),
                ConfigJson.doubleField(root, "seq_classif_dropout", d.seqClassifDropout),
                ConfigJson.intField(root, "pad_token_id", d.padTokenId, source),
                ConfigJson.labels(root, source),
                ConfigJson.problemType(root, source),
                ConfigJson.architectures(root),
                ConfigJson.text(root, "transformers_version"),
                ConfigJson.extra(root, KNOWN));
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public int hiddenSize() {
        return dim;
    }

    @Override
    public int numHiddenLayers() {
        return nLayers;
    }

    @Override
    public ObjectNode toJson() {
        Map<String, Object> m = new TreeMap<>(extra);
        m.put("vocab_size", vocabSize);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("sinusoidal_pos_embds", sinusoidalPosEmbds);
        m.put("n_layers", nLayers);
        m.put("n_heads", nHeads);
        m.put("dim", dim);
        m.put("hidden_dim", hiddenDim);
        m.put("dropout", dropout);
        m.put("attention_dropout", attentionDropout);
        m.put("activation", activation);
        m.put("initializer_range", initializerRange);
        m.put("qa_dropout", qaDropout);
        m.put("seq_classif_dropout", seqClassifDropout);
        m.put("pad_token_id", padTokenId);
        ConfigJson.putShared(m, this, transformersVersion);
        return ConfigJson.toJson(m);
    }
}
