package io.finetune4j.data;

/**
 * A {@link BatchFunction} that may be called from several threads at once: {@code map} then uses
 * all cores by default ({@code num_proc}). Tokenizers whose native encoder is thread-safe implement it.
 */
public interface ThreadSafeBatchFunction extends BatchFunction {}
