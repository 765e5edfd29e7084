package io.finetune4j.onnx;

import java.util.List;

/**
 * Builds one model family's sequence-classification graph from its checkpoint: declares the graph
 * inputs (int64 {@code [batch_size, sequence_length]}), emits the forward pass from the weights,
 * and names the output {@code logits} ({@code [batch_size, num_labels]}).
 */
interface FamilyExporter {
    /** config.json's model_type values this exporter handles. */
    List<String> modelTypes();

    /** The graph inputs in order: BERT's three unless the family has no token types. */
    default List<String> inputs(ExportSource source) {
        return List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
    }

    void build(Layers layers);

    /** The longest input the model takes (HF's max_position_embeddings, less RoBERTa's reserved positions). */
    default int maxInputLength(ExportSource source) {
        return source.config().maxInputLength();
    }

    String INPUT_IDS = "input_ids";
    String ATTENTION_MASK = "attention_mask";
    String TOKEN_TYPE_IDS = "token_type_ids";
    String LOGITS = "logits";
    String BATCH = "batch_size";
    String SEQUENCE = "sequence_length";
}
