package io.finetune4j.pipeline;

import java.util.List;

/**
 * Texts in, label scores out: what the HTTP service serves. The text-classification pipeline
 * implements it.
 */
public interface TextClassifier {
    /** A label and its probability. */
    record LabelScore(String label, double score) {}

    /**
     * Scores each text. For each text the list is sorted by score, highest first, and holds
     * {@code topK} entries ({@code topK <= 0} means all labels).
     */
    List<List<LabelScore>> classify(List<String> texts, int topK);

    /** Label names in id order. */
    List<String> labels();
}
