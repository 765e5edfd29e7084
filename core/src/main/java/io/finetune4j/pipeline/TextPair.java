package io.finetune4j.pipeline;

import io.finetune4j.BadInputException;

/**
 * One input of a sentence-pair task (GLUE's sentence1/sentence2, NLI's premise/hypothesis): HF's
 * {@code {"text": ..., "text_pair": ...}} pipeline input. Encoded as {@code [CLS] text [SEP] text_pair [SEP]}
 * with token_type_ids 0 then 1 (BERT), or each family's own pair template.
 */
public record TextPair(String text, String textPair) {
    public TextPair {
        if (text == null || textPair == null) {
            throw new BadInputException("a text pair needs both text and text_pair (use \"\" for an empty one)");
        }
    }
}
