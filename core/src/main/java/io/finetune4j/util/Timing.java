package io.finetune4j.util;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Wall-clock seconds of repeated runs, warm-up excluded: median, min and max. */
public record Timing(List<Double> seconds) {
    /** A step that may throw. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    public static Timing measure(int warmup, int repeat, Step step) throws Exception {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            step.run();
            out.add((System.nanoTime() - t0) / 1e9);
        }
        return new Timing(List.copyOf(out));
    }

    public double median() {
        List<Double> s = new ArrayList<>(seconds);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public double min() {
        return Collections.min(seconds);
    }

    public double max() {
        return Collections.max(seconds);
    }
}
