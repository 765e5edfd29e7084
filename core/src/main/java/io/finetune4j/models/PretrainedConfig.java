package io.finetune4j.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finetune4j.BadInputException;
import io.finetune4j.io.AtomicFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code PretrainedConfig}: the fields every family's {@code config.json} shares. Each family has its
 * own config (a record in its package, e.g. {@code BertConfig}) that implements this; keys a config does
 * not model are kept in {@link #extra()} and written back unchanged. {@code models.auto.AutoConfig} picks the
 * family by {@code model_type}.
 */
public interface PretrainedConfig {
    String FILE_NAME = "config.json";

    /** config.json's {@code model_type} (the registry key: bert, roberta, ...). */
    String modelType();

    /** The family of this config's model_type: its parser, base prefix, layer names and head classes. */
    ModelFamily family();

    int vocabSize();

    /** The width of the encoder's hidden states (HF's {@code hidden_size}; DistilBERT's {@code dim}). */
    int hiddenSize();

    /** The number of transformer layers (DistilBERT's {@code n_layers}). */
    int numHiddenLayers();

    int maxPositionEmbeddings();

    /** The longest input the position embeddings allow (RoBERTa reserves padding_idx + 1 positions). */
    default int maxInputLength() {
        return maxPositionEmbeddings();
    }

    int padTokenId();

    double initializerRange();

    /** Label names by id (from id2label; LABEL_i when absent); its size is {@code num_labels}. */
    Map<Integer, String> id2label();

    default int numLabels() {
        return id2label().size();
    }

    /** HF's {@code label2id}: the inverse of id2label. */
    default Map<String, Integer> label2id() {
        Map<String, Integer> out = new LinkedHashMap<>();
        id2label().forEach((id, name) -> out.put(name, id));
        return out;
    }

    /** {@code single_label_classification}, {@code multi_label_classification}, {@code regression} or null (inferred). */
    String problemType();

    /** config.json's architectures, or null. */
    List<String> architectures();

    /** Keys this config does not model, written back as read. */
    Map<String, JsonNode> extra();

    /** The full config.json object (HF writes every field, keys sorted). */
    ObjectNode toJson();

    default String toJsonString() {
        return ConfigJson.toJsonString(toJson());
    }

    /** Writes {@code dir/config.json} atomically. */
    default void save(Path dir) {
        AtomicFiles.writeString(dir.resolve(FILE_NAME), toJsonString());
    }

    /** A copy with these labels (num_labels follows). */
    default PretrainedConfig withId2label(Map<Integer, String> labels) {
        return edit(j -> ConfigJson.putLabels(j, labels));
    }

    /** {@code n} labels named LABEL_0..LABEL_{n-1} (HF's default names). */
    default PretrainedConfig withNumLabels(int n) {
        if (n < 1) {
            throw new BadInputException("num_labels must be >= 1, got " + n);
        }
        return withId2label(ConfigJson.defaultLabels(n));
    }

    /** Keeps only the first {@code n} layers (a smaller, faster model from the same checkpoint). */
    default PretrainedConfig withNumHiddenLayers(int n) {
        ConfigJson.checkLayerOverride(n, numHiddenLayers());
        return edit(j -> j.put(ConfigJson.numHiddenLayersKey(j), n));
    }

    default PretrainedConfig withArchitectures(List<String> names) {
        return edit(j -> j.set("architectures", j.arrayNode().addAll(names.stream().map(j::textNode).toList())));
    }

    default PretrainedConfig withProblemType(String problemType) {
        return edit(j -> {
            if (problemType == null) {
                j.remove("problem_type");
            } else {
                j.put("problem_type", ConfigJson.checkProblemType(problemType, "problem_type"));
            }
        });
    }

    /** A copy parsed again from this config's JSON after {@code change}: how the generic {@code with…} copies work. */
    default PretrainedConfig edit(java.util.function.Consumer<ObjectNode> change) {
        ObjectNode json = toJson();
        change.accept(json);
        return family().parseConfig(json, "config");
    }
}
