package io.finetune4j.models.debertav2;

import io.finetune4j.torch.Device;
import io.finetune4j.torch.Tensor;

/**
 * What every layer's disentangled attention shares in one forward: the (LayerNorm'd) relative embeddings and, for a
 * sequence length, the gather indices of HF's {@code c2p_pos = clamp(rel + span, 0, 2 span - 1)} ({@code [q][k]})
 * and {@code p2c_pos = clamp(-rel + span, 0, 2 span - 1)} ({@code [k][q]}), with {@code rel} from
 * {@link #relativePosition}.
 */
public record RelativePositions(Tensor embeddings, Tensor c2pIndex, Tensor p2cIndex) {

    /** HF's {@code make_log_bucket_position} for one distance, in float32 arithmetic as torch computes it. */
    public static long logBucket(long relativePos, int bucketSize, int maxPosition) {
        long sign = Long.signum(relativePos);
        int mid = bucketSize / 2;
        long absPos = relativePos < mid && relativePos > -mid ? mid - 1 : Math.abs(relativePos);
        if (absPos <= mid) {
            return relativePos;
        }
        float log = (float) Math.log((float) absPos / (float) mid);
        float logMax = (float) Math.log((float) ((maxPosition - 1) / (double) mid));
        float logPos = (float) Math.ceil(log / logMax * (float) (mid - 1)) + mid;
        return (long) (logPos * sign);
    }

    /** HF's {@code build_relative_position}: {@code q - k}, log-bucketed when position_buckets and max positions are > 0. */
    public static long relativePosition(int q, int k, int buckets, int maxRelativePositions) {
        long rel = (long) q - k;
        return buckets > 0 && maxRelativePositions > 0 ? logBucket(rel, buckets, maxRelativePositions) : rel;
    }

    /** The tables for {@code seq} tokens, on {@code device}. */
    static RelativePositions build(Tensor embeddings, DebertaV2Config c, int seq, Device device) {
        int span = c.posEbdSize();
        int buckets = c.positionBuckets();
        int maxRel = c.effectiveMaxRelativePositions();
        long[] c2p = new long[seq * seq];
        long[] p2c = new long[seq * seq];
        for (int i = 0; i < seq; i++) {
            for (int j = 0; j < seq; j++) {
                long rel = relativePosition(i, j, buckets, maxRel);
                c2p[i * seq + j] = Math.max(0, Math.min(2L * span - 1, rel + span));
                p2c[i * seq + j] = Math.max(0, Math.min(2L * span - 1, -rel + span));
            }
        }
        return new RelativePositions(embeddings, Tensor.of(c2p, seq, seq).to(device), Tensor.of(p2c, seq, seq).to(device));
    }
}
