package io.finetune4j.data;

import io.finetune4j.BadInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HF's split slicing syntax: {@code train}, {@code train[:10%]}, {@code test[100:2100]},
 * {@code train[-500:]}, {@code train[10%:20%]}. Percentages round to the nearest row, as HF's
 * default {@code rounding="closest"} does.
 */
public record SplitSpec(String split, String from, String to) {
    private static final Pattern SYNTAX = Pattern.compile("([A-Za-z0-9_.-]+)(?:\\[(-?\\d+%?)?:(-?\\d+%?)?])?");

    public static SplitSpec parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim());
        if (!m.matches()) {
            throw new BadInputException("cannot read split '" + text + "'; write it like train, train[:10%], test[100:2100] or train[-500:]");
        }
        return new SplitSpec(m.group(1), m.group(2), m.group(3));
    }

    public boolean isWhole() {
        return from == null && to == null;
    }

    /** The selected rows of a split with {@code numRows} rows. */
    public Dataset apply(Dataset dataset) {
        if (isWhole()) return dataset;
        int n = dataset.numRows();
        int a = from == null ? 0 : bound(from, n);
        int b = to == null ? n : bound(to, n);
        return dataset.select(a, Math.max(a, b));
    }

    private int bound(String text, int n) {
        boolean percent = text.endsWith("%");
        long v = Long.parseLong(percent ? text.substring(0, text.length() - 1) : text);
        if (percent) {
            if (Math.abs(v) > 100) throw new BadInputException("split " + this + ": " + text + " is not a percentage between -100% and 100%");
            v = Math.round(v * (double) n / 100.0);
        }
        if (v < 0) v += n;
        return (int) Math.max(0, Math.min(n, v));
    }

    @Override
    public String toString() {
        return isWhole() ? split : split + "[" + (from == null ? "" : from) + ":" + (to == null ? "" : to) + "]";
    }
}
