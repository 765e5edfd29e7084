package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;

/** An input has more tokens than the model takes and truncation is off (TEI answers this with 422). */
public final class InputTooLongException extends BadInputException {
    private final int index;
    private final int tokens;
    private final int maxLength;

    public InputTooLongException(int index, int tokens, int maxLength, String advice) {
        super("text " + index + " has " + tokens + " tokens but the model takes at most " + maxLength + "; " + advice);
        this.index = index;
        this.tokens = tokens;
        this.maxLength = maxLength;
    }

    /** Position of the input in its call. */
    public int index() {
        return index;
    }

    public int tokens() {
        return tokens;
    }

    public int maxLength() {
        return maxLength;
    }
}
