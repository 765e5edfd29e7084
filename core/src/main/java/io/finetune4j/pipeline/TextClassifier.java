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

    /**
     * Scores each text (or text pair, when {@code textPairs} is not null: one pair per text) with
     * per-call options. The default runs {@link #classify(List, int)}: it knows no logits, token
     * counts or pairs, and applies only the classifier's own scores.
     *
     * @throws UnsupportedOperationException pairs or a score function this classifier cannot give
     * @throws InputTooLongException a text is too long and the options turn truncation off
     */
    default ClassifyResult classify(List<String> texts, List<String> textPairs, ClassifyOptions options) {
        if (textPairs != null) {
            throw new UnsupportedOperationException("this model takes single texts, not pairs");
        }
        if (options.function() != ScoreFunction.DEFAULT) {
            throw new UnsupportedOperationException("this model gives only its own scores, not function_to_apply "
                    + options.function().name().toLowerCase(java.util.Locale.ROOT));
        }
        long start = System.nanoTime();
        List<List<LabelScore>> scores = classify(texts, options.topK());
        List<Classification> out = new java.util.ArrayList<>(scores.size());
        for (List<LabelScore> s : scores) {
            out.add(new Classification(s, null, 0));
        }
        return new ClassifyResult(out, 0, System.nanoTime() - start);
    }
}
