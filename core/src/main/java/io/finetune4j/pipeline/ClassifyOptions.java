package io.finetune4j.pipeline;

import io.finetune4j.tokenize.EncodeOptions.Side;
import java.util.Objects;

/**
 * Per-call options of {@link TextClassifier#classify(java.util.List, java.util.List, ClassifyOptions)}:
 * what a serving request can ask for beyond the pipeline's own settings.
 *
 * @param topK how many labels per text, highest first; {@code <= 0} all of them
 * @param function how logits become scores ({@link ScoreFunction#NONE}: the raw logits)
 * @param truncate cut inputs longer than the model's maximum (true), refuse them with
 *     {@link InputTooLongException} (false), or null: the pipeline's own truncation setting
 * @param truncationSide which end of a too-long input is cut, or null: the pipeline's (the side saved with the model
 *     in tokenizer_config.json, else right)
 */
public record ClassifyOptions(int topK, ScoreFunction function, Boolean truncate, Side truncationSide) {
    public ClassifyOptions {
        Objects.requireNonNull(function, "function");
        topK = Math.max(topK, 0);
    }

    /** All labels, the model's score function, the pipeline's truncation and side. */
    public static ClassifyOptions defaults() {
        return new ClassifyOptions(0, ScoreFunction.DEFAULT, null, null);
    }

    public ClassifyOptions withTopK(int k) {
        return new ClassifyOptions(k, function, truncate, truncationSide);
    }

    public ClassifyOptions withFunction(ScoreFunction f) {
        return new ClassifyOptions(topK, f, truncate, truncationSide);
    }

    public ClassifyOptions withTruncate(Boolean on) {
        return new ClassifyOptions(topK, function, on, truncationSide);
    }

    public ClassifyOptions withTruncationSide(Side side) {
        return new ClassifyOptions(topK, function, truncate, side);
    }
}
