package io.finetune4j.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MFU denominator, with the one rule that keeps the figure honest: MFU never exceeds 100%. The
 * ceiling is a measurement ({@link PeakFlops}), and a measurement can come out low (a busy moment, a
 * machine that got faster); when training achieves more than the ceiling, the achieved rate is the
 * better estimate of what the machine can do, so the ceiling is raised to it (and that is logged)
 * instead of printing more than 100%, for this run only.
 */
public final class MfuCeiling {
    private static final Logger LOG = LoggerFactory.getLogger(MfuCeiling.class);

    private double peakFlops;
    private final String source;

    /** {@code peakFlops} in FLOP/s; {@code source} says where it came from (for the log line). */
    public MfuCeiling(double peakFlops, String source) {
        this.peakFlops = peakFlops;
        this.source = source;
    }

    public double peakFlops() {
        return peakFlops;
    }

    /** Achieved FLOP/s over the ceiling, in [0, 1]; NaN without a ceiling. Raises the ceiling when exceeded. */
    public synchronized double mfu(double achievedFlops) {
        if (!(peakFlops > 0) || !Double.isFinite(achievedFlops)) {
            return Double.NaN;
        }
        if (achievedFlops > peakFlops) {
            LOG.info("training achieved {} GFLOP/s, above the matmul ceiling of {} GFLOP/s ({}); the ceiling is raised to the achieved rate",
                    String.format("%.1f", achievedFlops / 1e9), String.format("%.1f", peakFlops / 1e9), source);
            peakFlops = achievedFlops;
        }
        return achievedFlops / peakFlops;
    }
}
