package io.finetune4j.models.albert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.PretrainedConfig;
import io.finetune4j.models.bert.BertConfig;
import io.finetune4j.nn.Activations;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** HF's {@code AlbertConfig} with HF's defaults (albert-xxlarge's shape; hidden_act gelu_new, dropouts 0). */
public record AlbertConfig(
        int vocabSize,
        int embeddingSize,
        int hiddenSize,
        int numHiddenLayers,
        int numHiddenGroups,
        int numAttentionHeads,
        int intermediateSize,
        int innerGroupNum,
        String hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double initializerRange,
        double layerNormEps,
        double classifierDropoutProb,
        int padTokenId,
        Map<Integer, String> id2label,
        String problemType,
        List<String> architectures,
        String transformersVersion,
        Map<String, JsonNode> extra) implements PretrainedConfig {

    public static final String MODEL_TYPE = "albert";
    private static final Set<String> KNOWN = Set.of("vocab_size", "embedding_size", "hidden_size", "num_hidden_layers",
            "num_hidden_groups", "num_attention_heads", "intermediate_size", "inner_group_num", "hidden_act", "hidden_dropout_prob",
            "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps",
            "classifier_dropout_prob", "pad_token_id");

    public AlbertConfig {
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new BadInputException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (numHiddenGroups < 1 || numHiddenLayers % numHiddenGroups != 0) {
            throw new BadInputException("num_hidden_layers " + numHiddenLayers + " is not a multiple of num_hidden_groups " + numHiddenGroups);
        }
        if (!Activations.supports(hiddenAct)) {
            throw new BadInputException("hidden_act '" + hiddenAct + "' is not supported; use one of " + String.join(", ", Activations.NAMES));
        }
        id2label = ConfigJson.normalizeLabels(id2label);
        architectures = architectures == null ? null : List.copyOf(architectures);
        extra = ConfigJson.normalizeExtra(extra);
    }

    public static AlbertConfig base() {
        return new AlbertConfig(30000, 128, 4096, 12, 1, 64, 16384, 1, "gelu_new", 0, 0, 512, 2, 0.02, 1e-12, 0.1, 0,
                ConfigJson.defaultLabels(2), null, null, null, Map.of());
    }

    /** A tiny ALBERT for tests: embedding 16, hidden 32, 4 layers sharing {@code groups} groups of 1 layer, 2 heads, vocab 200. */
    public static AlbertConfig tiny(int groups) {
        return new AlbertConfig(200, 16, 32, 4, groups, 2, 64, 1, "gelu_new", 0.1, 0.1, 64, 2, 0.02, 1e-12, 0.1, 0,
                ConfigJson.defaultLabels(2), null, null, null, Map.of());
    }

    public static AlbertConfig fromJson(ObjectNode root, String source) {
        AlbertConfig d = base();
        return new AlbertConfig(
                ConfigJson.intField(root, "vocab_size", d.vocabSize, source),
                ConfigJson.intField(root, "embedding_size", d.embeddingSize, source),
                ConfigJson.intField(root, "hidden_size", d.hiddenSize, source),
                ConfigJson.intField(root, "num_hidden_layers", d.numHiddenLayers, source),
                ConfigJson.intField(root, "num_hidden_groups", d.numHiddenGroups, source),
                ConfigJson.intField(root, "num_attention_heads", d.numAttentionHeads, source),
                ConfigJson.intField(root, "intermediate_size", d.intermediateSize, source),
                ConfigJson.intField(root, "inner_group_num", d.innerGroupNum, source),
                root.path("hidden_act").asText(d.hiddenAct),
                ConfigJson.doubleField(root, "hidden_dropout_prob", d.hiddenDropoutProb),
                ConfigJson.doubleField(root, "attention_probs_dropout_prob", d.attentionProbsDropoutProb),
                ConfigJson.intField(root, "max_position_embeddings", d.maxPositionEmbeddings, source),
                ConfigJson.intField(root, "type_vocab_size", d.typeVocabSize, source),
                ConfigJson.doubleField(root, "initializer_range", d.initializerRange),
                ConfigJson.doubleField(root, "layer_norm_eps", d.layerNormEps),
                ConfigJson.doubleField(root, "classifier_dropout_prob", d.classifierDropoutProb),
                ConfigJson.intField(root, "pad_token_id", d.padTokenId, source),
                ConfigJson.labels(root, source),
                ConfigJson.problemType(root, source),
                ConfigJson.architectures(root),
                ConfigJson.text(root, "transformers_version"),
                ConfigJson.extra(root, KNOWN));
    }

    /** BERT's embeddings at embedding_size (HF's AlbertEmbeddings are BERT's, narrower). */
    BertConfig embeddingShape() {
        return new BertConfig(vocabSize, embeddingSize, 0, 1, 1, "gelu", hiddenDropoutProb, attentionProbsDropoutProb,
                maxPositionEmbeddings, typeVocabSize, initializerRange, layerNormEps, padTokenId, "absolute", null, id2label,
                null, null, null, Map.of());
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public ObjectNode toJson() {
        Map<String, Object> m = new TreeMap<>(extra);
        m.put("vocab_size", vocabSize);
        m.put("embedding_size", embeddingSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numHiddenLayers);
        m.put("num_hidden_groups", numHiddenGroups);
        m.put("num_attention_heads", numAttentionHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("inner_group_num", innerGroupNum);
        m.put("hidden_act", hiddenAct);
        m.put("hidden_dropout_prob", hiddenDropoutProb);
        m.put("attention_probs_dropout_prob", attentionProbsDropoutProb);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("type_vocab_size", typeVocabSize);
        m.put("initializer_range", initializerRange);
        m.put("layer_norm_eps", layerNormEps);
        m.put("classifier_dropout_prob", classifierDropoutProb);
        m.put("pad_token_id", padTokenId);
        if (!m.containsKey("bos_token_id")) {
            m.put("bos_token_id", 2);
        }
        if (!m.containsKey("eos_token_id")) {
            m.put("eos_token_id", 3);
        }
        ConfigJson.putShared(m, this, transformersVersion);
        return ConfigJson.toJson(m);
    }
}
