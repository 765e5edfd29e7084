package io.finetune4j.pipeline;

import java.util.List;

/**
 * The answers of one {@link TextClassifier#classify(List, List, ClassifyOptions)} call, in input
 * order, with where the time went (for serving headers and metrics).
 *
 * @param classifications one per input
 * @param tokenizationNanos time spent tokenizing the call's inputs
 * @param inferenceNanos time spent in the model (and turning logits into scores)
 */
public record ClassifyResult(List<Classification> classifications, long tokenizationNanos, long inferenceNanos) {
    public ClassifyResult {
        classifications = List.copyOf(classifications);
    }

    /** Tokens the model ran for the whole call. */
    public long tokens() {
        long sum = 0;
        for (Classification c : classifications) {
            sum += c.tokens();
        }
        return sum;
    }
}
