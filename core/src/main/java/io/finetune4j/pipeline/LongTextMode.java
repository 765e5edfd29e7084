package io.finetune4j.pipeline;

/** What the text-classification pipeline does with a text longer than max_length tokens. */
public enum LongTextMode {
    /** HF's behaviour: keep the first max_length tokens, drop the rest. */
    TRUNCATE,
    /**
     * Score overlapping windows of max_length tokens (stride tokens shared by neighbours, HF's
     * overflowing tokens) and average their probabilities, so the whole text counts.
     */
    WINDOWS
}
