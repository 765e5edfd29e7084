package io.finetune4j.data;

import io.finetune4j.torch.Tensor;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A dataset seen as batches of selected columns, as HF's {@code with_format("torch")} gives a
 * DataLoader: {@code int[]} per int column, {@code int[][]} per token column (no boxing), and
 * tensors on request.
 */
public final class FormattedDataset {
    private final Dataset dataset;
    private final List<String> columns;

    FormattedDataset(Dataset dataset, List<String> columns) {
        this.dataset = dataset;
        this.columns = List.copyOf(columns);
    }

    public List<String> columns() {
        return columns;
    }

    public int numRows() {
        return dataset.numRows();
    }

    /** Consecutive batches of {@code batchSize} rows (the last may be shorter), in row order. */
    public Iterable<Batch> batches(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        return () -> new Iterator<>() {
            private int next = 0;

            public boolean hasNext() {
                return next < dataset.numRows();
            }

            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int to = Math.min(dataset.numRows(), next + batchSize);
                Map<String, Column> cols = new LinkedHashMap<>();
                for (String c : columns) cols.put(c, dataset.column(c).slice(next, to));
                next = to;
                return new Batch(cols);
            }
        };
    }

    /** One batch: raw arrays per column, or tensors the caller owns (made in its current {@code Scope}). */
    public record Batch(Map<String, Column> columns) {
        public int size() {
            return columns.isEmpty() ? 0 : columns.values().iterator().next().size();
        }

        public int[] ints(String name) {
            return ((Column.Ints) columns.get(name)).values();
        }

        public int[][] intLists(String name) {
            return ((Column.IntLists) columns.get(name)).values();
        }

        public float[] floats(String name) {
            return ((Column.Floats) columns.get(name)).values();
        }

        public String[] strings(String name) {
            return ((Column.Strings) columns.get(name)).values();
        }

        /**
         * Ints and token lists become int64 tensors ([batch] and [batch, length]; rows of one
         * batch must have equal length — pad first), floats become float32. Strings are skipped.
         */
        public Map<String, Tensor> toTensors() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Column> e : columns.entrySet()) {
                Column c = e.getValue();
                if (c instanceof Column.Ints i) {
                    long[] v = new long[i.size()];
                    for (int k = 0; k < v.length; k++) v[k] = i.values()[k];
                    out.put(e.getKey(), Tensor.of(v));
                } else if (c instanceof Column.Floats f) {
                    out.put(e.getKey(), Tensor.of(f.values()));
                } else if (c instanceof Column.IntLists l) {
                    out.put(e.getKey(), rectangular(e.getKey(), l.values()));
                } else if (c instanceof Column.FloatLists l) {
                    int width = l.size() == 0 ? 0 : l.values()[0].length;
                    float[] flat = new float[l.size() * width];
                    for (int r = 0; r < l.size(); r++) {
                        if (l.values()[r].length != width) {
                            throw new IllegalStateException("column '" + e.getKey() + "' has rows of length " + width + " and "
                                    + l.values()[r].length + " in one batch");
                        }
                        System.arraycopy(l.values()[r], 0, flat, r * width, width);
                    }
                    out.put(e.getKey(), Tensor.of(flat, l.size(), width));
                }
            }
            return out;
        }

        private static Tensor rectangular(String name, int[][] rows) {
            int width = rows.length == 0 ? 0 : rows[0].length;
            long[] flat = new long[rows.length * width];
            for (int r = 0; r < rows.length; r++) {
                if (rows[r].length != width) {
                    throw new IllegalStateException("column '" + name + "' has rows of length " + width + " and " + rows[r].length
                            + " in one batch; pad them (padding=\"max_length\" or a collator) before making tensors");
                }
                for (int k = 0; k < width; k++) flat[r * width + k] = rows[r][k];
            }
            return Tensor.of(flat, rows.length, width);
        }
    }
}
