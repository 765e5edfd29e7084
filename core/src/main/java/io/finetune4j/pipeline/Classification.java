package io.finetune4j.pipeline;

import io.finetune4j.pipeline.TextClassifier.LabelScore;
import java.util.List;

/**
 * One input's answer from {@link TextClassifier#classify(List, List, ClassifyOptions)}.
 *
 * @param scores label scores, highest first, as many as the call's top_k asked for
 * @param logits the model's logits in label-id order (the mean over windows in WINDOWS mode); null
 *     when the classifier does not expose them
 * @param tokens tokens the model ran for this input, special tokens included (after truncation)
 */
public record Classification(List<LabelScore> scores, float[] logits, int tokens) {
    public Classification {
        scores = List.copyOf(scores);
    }
}
