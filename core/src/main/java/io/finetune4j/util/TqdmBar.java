package io.finetune4j.util;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;

/**
 * A tqdm-shaped progress bar on stderr, as HF users know it:
 * {@code Map: 100%|██████████| 25000/25000 [00:04<00:00, 5242.23 examples/s]}, with an optional
 * extra message after it (loss, throughput, MFU).
 */
public final class TqdmBar implements AutoCloseable {
    private final ProgressBar bar;

    private TqdmBar(ProgressBar bar) {
        this.bar = bar;
    }

    /** {@code unit} is what the rate counts ("examples", "it"); a disabled bar does nothing. */
    public static TqdmBar start(String desc, long total, String unit, boolean enabled) {
        if (!enabled || total == 0) {
            return new TqdmBar(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(desc)
                .setInitialMax(total)
                .setUpdateIntervalMillis(200)
                .setRenderer((state, width) -> render(state, unit))
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 160))
                .build();
        return new TqdmBar(bar);
    }

    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    public void stepTo(long n) {
        if (bar != null) {
            bar.stepTo(n);
        }
    }

    public void message(String extra) {
        if (bar != null) {
            bar.setExtraMessage(extra);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    public static String render(ProgressState state, String unit) {
        long current = state.getCurrent();
        long max = Math.max(1, state.getMax());
        long done = current - state.getStart();
        Duration elapsed = state.getElapsedAfterStart();
        double seconds = Math.max(1e-9, elapsed.toMillis() / 1000.0);
        double speed = done / seconds;
        Duration eta = speed > 0 ? Duration.ofMillis((long) ((max - current) / speed * 1000)) : Duration.ZERO;
        int percent = (int) (100 * current / max);
        int filled = (int) (10 * current / max);
        String bar = "█".repeat(filled) + " ".repeat(10 - filled);
        String extra = state.getExtraMessage() == null || state.getExtraMessage().isEmpty() ? "" : " " + state.getExtraMessage();
        String rate = speed >= 1 || speed == 0 ? String.format(Locale.ROOT, "%.2f %s/s", speed, unit)
                : String.format(Locale.ROOT, "%.2f s/%s", 1 / speed, unit);
        return String.format(Locale.ROOT, "%s: %3d%%|%s| %d/%d [%s<%s, %s]%s",
                state.getTaskName(), percent, bar, current, max, clock(elapsed), clock(eta), rate, extra);
    }

    private static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String.format("%02d:%02d", s / 60, s % 60);
    }
}
