package io.finetune4j.data;

/**
 * One column of a {@link Dataset}, held as a primitive array (no boxed lists): 50k tokenized rows
 * of 160 ids are 32 MB of int[], not a million Integer objects.
 */
public sealed interface Column permits Column.Strings, Column.Ints, Column.IntLists, Column.Floats, Column.FloatLists {
    /** Number of rows. */
    int size();

    /** HF feature type name, as printed in {@code Features}: string, int64, Sequence(int32), float32. */
    String typeName();

    /** Rows {@code [from, to)} as a new column (copies the references, not the int[] rows). */
    Column slice(int from, int to);

    /** Rows at the given indices, in that order. */
    Column take(int[] indices);

    /** The value at a row as a plain Java object (String, Integer, int[], Float or float[]) for row views. */
    Object get(int row);

    record Strings(String[] values) implements Column {
        public int size() { return values.length; }
        public String typeName() { return "string"; }
        public Column slice(int from, int to) { return new Strings(java.util.Arrays.copyOfRange(values, from, to)); }
        public Column take(int[] idx) {
            String[] out = new String[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = values[idx[i]];
            return new Strings(out);
        }
        public Object get(int row) { return values[row]; }
    }

    record Ints(int[] values) implements Column {
        public int size() { return values.length; }
        public String typeName() { return "int64"; }
        public Column slice(int from, int to) { return new Ints(java.util.Arrays.copyOfRange(values, from, to)); }
        public Column take(int[] idx) {
            int[] out = new int[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = values[idx[i]];
            return new Ints(out);
        }
        public Object get(int row) { return values[row]; }
    }

    /** A list of ints per row (token ids, masks); rows may differ in length. */
    record IntLists(int[][] values) implements Column {
        public int size() { return values.length; }
        public String typeName() { return "Sequence(int32)"; }
        public Column slice(int from, int to) { return new IntLists(java.util.Arrays.copyOfRange(values, from, to)); }
        public Column take(int[] idx) {
            int[][] out = new int[idx.length][];
            for (int i = 0; i < idx.length; i++) out[i] = values[idx[i]];
            return new IntLists(out);
        }
        public Object get(int row) { return values[row]; }
    }

    record Floats(float[] values) implements Column {
        public int size() { return values.length; }
        public String typeName() { return "float32"; }
        public Column slice(int from, int to) { return new Floats(java.util.Arrays.copyOfRange(values, from, to)); }
        public Column take(int[] idx) {
            float[] out = new float[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = values[idx[i]];
            return new Floats(out);
        }
        public Object get(int row) { return values[row]; }
    }

    /** A list of floats per row: multi-hot label vectors (HF's {@code Sequence(float32)}, what BCE-with-logits takes). */
    record FloatLists(float[][] values) implements Column {
        public int size() { return values.length; }
        public String typeName() { return "Sequence(float32)"; }
        public Column slice(int from, int to) { return new FloatLists(java.util.Arrays.copyOfRange(values, from, to)); }
        public Column take(int[] idx) {
            float[][] out = new float[idx.length][];
            for (int i = 0; i < idx.length; i++) out[i] = values[idx[i]];
            return new FloatLists(out);
        }
        public Object get(int row) { return values[row]; }
    }
}
