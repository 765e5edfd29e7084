package io.finetune4j.util;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FLOP estimates for a transformer encoder, nanoGPT style: each token costs 6·N FLOPs to train
 * (2 forward, 4 backward) for N non-embedding parameters, plus the attention scores
 * 12·L·d·T. MFU = achieved FLOP/s ÷ the machine's measured matmul ceiling.
 */
public final class Flops {
    private Flops() {}

    /** Training FLOPs for one sequence of {@code seqLen} tokens (forward + backward). */
    public static double trainPerSequence(long nonEmbeddingParams, int layers, int hidden, int seqLen) {
        double perToken = 6.0 * nonEmbeddingParams + 12.0 * layers * hidden * seqLen;
        return perToken * seqLen;
    }

    /** Forward-only FLOPs for one sequence (a third of training). */
    public static double forwardPerSequence(long nonEmbeddingParams, int layers, int hidden, int seqLen) {
        return trainPerSequence(nonEmbeddingParams, layers, hidden, seqLen) / 3.0;
    }

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layer\\.(\\d+)\\.");

    /**
     * Matmul FLOPs per token of one training step when only some parameters train, for BERT-style names
     * (embeddings, then {@code encoder.layer.K}, then the head). Forward: 2 per non-embedding parameter.
     * Backward: 2 per trainable one (weight gradients) and 2 per parameter from the lowest trainable
     * layer up (activation gradients, which stop there). Full fine-tuning gives nanoGPT's 6·N; the head
     * alone about 2·N; LoRA in every layer about 4·N.
     *
     * @param sizes non-embedding parameter sizes by name
     * @param trainable names of the parameters that train
     */
    public static double trainPerToken(Map<String, Long> sizes, Set<String> trainable) {
        int lowest = Integer.MAX_VALUE;
        for (String name : trainable) {
            lowest = Math.min(lowest, depth(name));
        }
        double flops = 0;
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            flops += 2.0 * e.getValue();
            if (trainable.contains(e.getKey())) {
                flops += 2.0 * e.getValue();
            }
            if (depth(e.getKey()) >= lowest) {
                flops += 2.0 * e.getValue();
            }
        }
        return flops;
    }

    /** 0 for the embeddings, K+1 for encoder layer K, above every layer for the rest (pooler, heads). */
    static int depth(String name) {
        if (name.contains("embeddings.")) {
            return 0;
        }
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) + 1 : Integer.MAX_VALUE - 1;
    }

    /** Model FLOPs utilisation: achieved FLOP/s over the peak. */
    public static double mfu(double flopsPerSecond, double peakFlopsPerSecond) {
        return peakFlopsPerSecond > 0 ? flopsPerSecond / peakFlopsPerSecond : Double.NaN;
    }
}
