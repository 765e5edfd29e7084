package io.finetune4j.util;

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

    /** Model FLOPs utilisation: achieved FLOP/s over the peak. */
    public static double mfu(double flopsPerSecond, double peakFlopsPerSecond) {
        return peakFlopsPerSecond > 0 ? flopsPerSecond / peakFlopsPerSecond : Double.NaN;
    }
}
