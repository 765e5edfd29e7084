package io.finetune4j.models.bert;

import com.fasterxml.jackson.databind.JsonNode;
import io.finetune4j.models.PretrainedConfig;
import java.util.List;
import java.util.Map;

/**
 * A family config that keeps BERT's fields in a {@link BertConfig} (ELECTRA, RoBERTa): the shared
 * {@link PretrainedConfig} reads answer from it, so each family states only what it adds or changes.
 */
public interface BertBackedConfig extends PretrainedConfig {
    /** The BERT-shaped fields (what the shared encoder modules read). */
    BertConfig bert();

    @Override
    default int vocabSize() {
        return bert().vocabSize();
    }

    @Override
    default int hiddenSize() {
        return bert().hiddenSize();
    }

    @Override
    default int numHiddenLayers() {
        return bert().numHiddenLayers();
    }

    @Override
    default int maxPositionEmbeddings() {
        return bert().maxPositionEmbeddings();
    }

    @Override
    default int padTokenId() {
        return bert().padTokenId();
    }

    @Override
    default double initializerRange() {
        return bert().initializerRange();
    }

    @Override
    default Map<Integer, String> id2label() {
        return bert().id2label();
    }

    @Override
    default String problemType() {
        return bert().problemType();
    }

    @Override
    default List<String> architectures() {
        return bert().architectures();
    }

    @Override
    default Map<String, JsonNode> extra() {
        return bert().extra();
    }
}
