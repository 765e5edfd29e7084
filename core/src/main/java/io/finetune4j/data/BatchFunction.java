package io.finetune4j.data;

import java.util.Map;

/**
 * What {@code Dataset.map(fn, batched=True)} applies: a batch of rows in, new or replaced columns
 * out (each with as many rows as the batch). A function that can say exactly what it computes
 * returns a {@link #fingerprint()} so that map results are cached on disk; for tokenization that
 * covers the tokenizer files and every encoding option.
 */
@FunctionalInterface
public interface BatchFunction {
    /** @param batch a view of consecutive rows with all columns of the input dataset */
    Map<String, Column> apply(Map<String, Column> batch);

    /** A stable description of the function and its parameters, or null when it cannot be cached. */
    default String fingerprint() {
        return null;
    }
}
