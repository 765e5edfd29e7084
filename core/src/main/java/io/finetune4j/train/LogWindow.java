package io.finetune4j.train;

/**
 * What happened since the last log line: mean loss over the steps, samples/s and MFU over the wall
 * time. {@link #close} reads the window and starts the next one.
 */
final class LogWindow {
    /** The figures of one closed window. */
    record Summary(double loss, double samplesPerSecond, double mfu, int steps) {}

    private final MfuCeiling ceiling;
    private double loss;
    private int steps;
    private long rows;
    private double flos;
    private long since;

    LogWindow(MfuCeiling ceiling, long startNanos) {
        this.ceiling = ceiling;
        this.since = startNanos;
    }

    /** One optimizer step: its loss, rows and the matmul FLOPs it really did. */
    void add(double stepLoss, int stepRows, double stepFlos) {
        loss += stepLoss;
        steps++;
        rows += stepRows;
        flos += stepFlos;
    }

    Summary close(long nowNanos) {
        double seconds = Math.max(1e-9, (nowNanos - since) / 1e9);
        Summary s = new Summary(steps == 0 ? Double.NaN : loss / steps, rows / seconds, ceiling.mfu(flos / seconds), steps);
        loss = 0;
        steps = 0;
        rows = 0;
        flos = 0;
        since = nowNanos;
        return s;
    }
}
