package io.finetune4j.tokenize;

import io.finetune4j.BadInputException;

/**
 * The one rule for how many tokens an input gets (HF's {@code max_seq_length} / {@code max_length}): asked for, else
 * the tokenizer's {@code model_max_length} (the length the model was trained with, saved with it), never more than
 * the model's positions ({@code max_position_embeddings}; RoBERTa's less its padding offset). Training, evaluation,
 * the pipelines and serving all resolve their length here, once, before any text is tokenized.
 *
 * <p>Training lowers a {@code max_seq_length} above that limit to it with one warning, as HF's run_classification.py
 * does ({@link #forTraining}). Inference ({@link #resolve}) refuses a length the model's positions cannot hold in
 * one line, before tokenizing (HF's pipeline would fail at the first forward); there a length above a saved
 * {@code model_max_length} but within the positions is allowed (an explicit length wins, as in HF's tokenizer).
 */
public final class MaxLength {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MaxLength.class);

    /** The fewest tokens an input may have: room for [CLS] and [SEP]. */
    public static final int MIN = 2;

    private MaxLength() {}

    /**
     * Checks a requested length before anything is loaded (argument validation); null passes.
     *
     * @return {@code requested}
     * @throws BadInputException when it is below {@value #MIN}
     */
    public static Integer check(Integer requested) {
        if (requested != null && requested < MIN) {
            throw new BadInputException("max_seq_length must be at least " + MIN + " (room for [CLS] and [SEP]), got " + requested);
        }
        return requested;
    }

    /**
     * The length inputs are cut (and padded) to.
     *
     * @param requested the length asked for; null: the tokenizer's model_max_length, capped at the positions
     * @param modelMaxLength the tokenizer's model_max_length ({@link Integer#MAX_VALUE} when its files set none)
     * @param maxPositions the longest input the model's position embeddings take ({@link Integer#MAX_VALUE}: unknown)
     * @throws BadInputException when the length is below {@value #MIN}, above the positions, or nothing says it
     */
    public static int resolve(Integer requested, int modelMaxLength, int maxPositions) {
        if (requested == null) {
            int limit = Math.min(modelMaxLength, maxPositions);
            if (limit == Integer.MAX_VALUE) {
                throw new BadInputException("neither the tokenizer (model_max_length) nor the model (max_position_embeddings) says how long "
                        + "inputs may be; set max_seq_length");
            }
            return limit;
        }
        check(requested);
        if (requested > maxPositions) {
            throw new BadInputException("max_seq_length " + requested + " is above the " + maxPositions + " positions of the model "
                    + "(config.json max_position_embeddings); use at most " + maxPositions);
        }
        return requested;
    }

    /**
     * The length a training run tokenizes to: HF's run_classification.py rule, {@code min(max_seq_length,
     * model_max_length)}, and never above the model's positions, with one warning when it lowers the length.
     *
     * @throws BadInputException when the length is below {@value #MIN}
     */
    public static int forTraining(int requested, int modelMaxLength, int maxPositions) {
        check(requested);
        int limit = Math.min(modelMaxLength, maxPositions);
        if (requested > limit) {
            LOG.warn("The max_seq_length passed ({}) is larger than the maximum length for the model ({}). Using max_seq_length={}.",
                    requested, limit, limit);
            return limit;
        }
        return requested;
    }
}
