package io.finetune4j.models.roberta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.models.ConfigFields;
import io.finetune4j.models.ConfigJson;
import io.finetune4j.models.ConfigSchema;
import io.finetune4j.models.ModelFamily;
import io.finetune4j.models.bert.BertBackedConfig;
import io.finetune4j.models.bert.BertConfig;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code RobertaConfig} (and {@code XLMRobertaConfig}, the same fields under model_type {@code xlm-roberta}):
 * BERT's fields with RoBERTa's defaults (pad_token_id 1, bos_token_id 0, eos_token_id 2; vocab_size 50265 for
 * RoBERTa, 30522 for XLM-RoBERTa, as HF's classes default them).
 *
 * @param modelType {@code roberta} or {@code xlm-roberta}
 * @param bert the BERT-shaped fields (what the shared encoder modules read); bos/eos ids stay in its extra keys
 */
public record RobertaConfig(String modelType, BertConfig bert) implements BertBackedConfig {
    public static final String MODEL_TYPE = "roberta";
    public static final String XLM_MODEL_TYPE = "xlm-roberta";

    public RobertaConfig {
        if (!MODEL_TYPE.equals(modelType) && !XLM_MODEL_TYPE.equals(modelType)) {
            throw new BadInputException("RobertaConfig needs model_type roberta or xlm-roberta, got '" + modelType + "'");
        }
    }

    /** HF's RobertaConfig() defaults. */
    public static RobertaConfig base() {
        return new RobertaConfig(MODEL_TYPE, defaults(MODEL_TYPE));
    }

    /** A tiny RoBERTa for tests: hidden 32, 2 layers, 2 heads, intermediate 64, vocab 200, 66 positions (64 usable), one token type. */
    public static RobertaConfig tiny(String modelType) {
        BertConfig t = BertConfig.tiny();
        return new RobertaConfig(modelType, new BertConfig(t.vocabSize(), t.hiddenSize(), t.numHiddenLayers(), t.numAttentionHeads(),
                t.intermediateSize(), "gelu", 0.1, 0.1, 66, 1, 0.02, 1e-5, 1, "absolute", null, BertConfig.defaultLabels(2),
                null, null, null, Map.of()));
    }

    /** HF's RobertaConfig defaults: BertConfig's with pad_token_id 1 and RoBERTa's vocabulary. */
    private static final ConfigSchema<BertConfig> SCHEMA = BertConfig.SCHEMA.withDefaults(Map.of("vocab_size", 50265, "pad_token_id", 1));
    /** HF's XLMRobertaConfig defaults: RoBERTa's with BERT's vocab_size. */
    private static final ConfigSchema<BertConfig> XLM_SCHEMA = BertConfig.SCHEMA.withDefaults(Map.of("pad_token_id", 1));

    private static BertConfig defaults(String modelType) {
        return (XLM_MODEL_TYPE.equals(modelType) ? XLM_SCHEMA : SCHEMA).defaults();
    }

    public static RobertaConfig fromJson(ObjectNode root, String source) {
        String type = root.path("model_type").asText(MODEL_TYPE);
        ConfigFields f = new ConfigFields(root, source);
        f.optInteger("bos_token_id");
        f.optInteger("eos_token_id");
        return new RobertaConfig(type, BertConfig.parse(root, source, XLM_MODEL_TYPE.equals(type) ? XLM_SCHEMA : SCHEMA));
    }

    /** The id of {@code <s>} (bos_token_id, 0 by default). */
    public int bosTokenId() {
        return tokenId("bos_token_id", 0);
    }

    /** The id of {@code </s>} (eos_token_id, 2 by default). */
    public int eosTokenId() {
        return tokenId("eos_token_id", 2);
    }

    private int tokenId(String key, int fallback) {
        JsonNode n = bert.extra().get(key);
        return n == null || n.isNull() ? fallback : n.asInt();
    }

    @Override
    public ModelFamily family() {
        return XLM_MODEL_TYPE.equals(modelType) ? RobertaFamily.XLM_ROBERTA : RobertaFamily.ROBERTA;
    }

    /** HF's class-name prefix of this model type ({@code Roberta} or {@code XLMRoberta}). */
    public String classPrefix() {
        return XLM_MODEL_TYPE.equals(modelType) ? "XLMRoberta" : "Roberta";
    }

    /** Positions start after padding_idx (HF's create_position_ids_from_input_ids): 514 positions hold 512 tokens. */
    @Override
    public int maxInputLength() {
        return bert.maxPositionEmbeddings() - bert.padTokenId() - 1;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode j = bert.toJson();
        j.put("model_type", modelType);
        if (!j.has("bos_token_id")) {
            j.put("bos_token_id", 0);
        }
        if (!j.has("eos_token_id")) {
            j.put("eos_token_id", 2);
        }
        return ConfigJson.sorted(j);
    }

    @Override
    public RobertaConfig withNumHiddenLayers(int n) {
        return (RobertaConfig) BertBackedConfig.super.withNumHiddenLayers(n);
    }

    @Override
    public RobertaConfig withId2label(Map<Integer, String> labels) {
        return (RobertaConfig) BertBackedConfig.super.withId2label(labels);
    }

    @Override
    public RobertaConfig withNumLabels(int n) {
        return (RobertaConfig) BertBackedConfig.super.withNumLabels(n);
    }

    @Override
    public RobertaConfig withArchitectures(List<String> names) {
        return (RobertaConfig) BertBackedConfig.super.withArchitectures(names);
    }
}
