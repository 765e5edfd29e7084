package io.finetune4j.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tiny random BERT checkpoints for the serving tests, built with core's {@link TinyCheckpoints}
 * (64 positions, bert-base-uncased's tokenizer files).
 */
public final class ServeModels {
    /** The tiny models' position limit, so max_input_length. */
    public static final int MAX_POSITIONS = TinyCheckpoints.MAX_POSITIONS;

    private ServeModels() {}

    /** A single-label classifier with {@code id2label}'s labels. */
    public static Path classifier(Path parent, Map<Integer, String> id2label) throws IOException {
        return TinyCheckpoints.classifier(parent, id2label.size(), id2label);
    }

    /** A multi-label classifier: a tiny classifier whose config.json says problem_type multi_label_classification. */
    public static Path multiLabel(Path parent, int numLabels) throws IOException {
        Path dir = TinyCheckpoints.classifier(Files.createDirectories(parent.resolve("multi-label")), numLabels, null);
        ObjectMapper json = new ObjectMapper();
        Path config = dir.resolve("config.json");
        ObjectNode root = (ObjectNode) json.readTree(config.toFile());
        root.put("problem_type", "multi_label_classification");
        json.writerWithDefaultPrettyPrinter().writeValue(config.toFile(), root);
        return dir;
    }
}
