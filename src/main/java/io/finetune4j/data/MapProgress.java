package io.finetune4j.data;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/** A tqdm-shaped progress bar on stderr: {@code Map: 100%|██████████| 25000/25000 [00:04<00:00, 5242.23 examples/s]}. */
final class MapProgress implements AutoCloseable {
    private final ProgressBar bar;

    private MapProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static MapProgress start(String desc, long total, boolean enabled) {
        if (!enabled || total == 0) return new MapProgress(null);
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(desc)
                .setInitialMax(total)
                .setUpdateIntervalMillis(200)
                .setRenderer(MapProgress::render)
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 100))
                .build();
        return new MapProgress(bar);
    }

    void step(long n) {
        if (bar != null) bar.stepBy(n);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }

    static String render(ProgressState state, int maxLength) {
        long current = state.getCurrent();
        long max = Math.max(1, state.getMax());
        Duration elapsed = state.getElapsedAfterStart();
        double seconds = Math.max(1e-9, elapsed.toMillis() / 1000.0);
        double speed = current / seconds;
        Duration eta = speed > 0 ? Duration.ofMillis((long) ((max - current) / speed * 1000)) : Duration.ZERO;
        int percent = (int) (100 * current / max);
        int filled = (int) (10 * current / max);
        String bar = "█".repeat(filled) + " ".repeat(10 - filled);
        return String.format("%s: %3d%%|%s| %d/%d [%s<%s, %.2f examples/s]",
                state.getTaskName(), percent, bar, current, max, clock(elapsed), clock(eta), speed);
    }

    private static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) : String.format("%02d:%02d", s / 60, s % 60);
    }
}
