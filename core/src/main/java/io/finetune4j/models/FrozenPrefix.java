package io.finetune4j.models;

import io.finetune4j.torch.Tensor;

/**
 * A classifier whose frozen lower part can run once and be cached (the Trainer's cache_frozen_features).
 * Levels count the modules bottom-up: {@code 0..L-1} the input of encoder layer k ({@code [batch, seq, hidden]}),
 * {@code L} the pooler's input (only the first position matters: {@code [batch, 1, hidden]}), {@code L+1} the
 * classifier's input ({@code [batch, hidden]}); -1 stands for the embeddings.
 */
public interface FrozenPrefix {
    /** The level of the lowest module that has a trainable parameter; -1 when an embedding trains. */
    int lowestTrainableLevel();

    /** The number of encoder layers L. */
    int numHiddenLayers();

    /** What enters {@code level}, computed in eval mode (no dropout) by the modules below it. */
    Tensor featuresAt(int level, Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask);

    /** Logits from {@link #featuresAt}'s output, running only the modules from {@code level} up. */
    Tensor logitsFrom(int level, Tensor features, Tensor attentionMask, boolean training);

}
