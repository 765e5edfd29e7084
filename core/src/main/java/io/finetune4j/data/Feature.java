package io.finetune4j.data;

/** The declared type of one column, as HF {@code datasets.Features} prints it. */
public sealed interface Feature permits Feature.Value, Feature.Sequence, ClassLabel {
    /** HF type name: {@code string}, {@code int64}, {@code Sequence(int32)}, {@code float32}, {@code ClassLabel}. */
    String typeName();

    /** A plain value type, named like HF's {@code Value(dtype)}. */
    record Value(String dtype) implements Feature {
        public String typeName() {
            return dtype;
        }

        @Override
        public String toString() {
            return dtype.startsWith("Sequence") ? dtype : "Value('" + dtype + "')";
        }
    }

    /**
     * HF's {@code Sequence(feature)}: a list per row whose items are {@code feature}, e.g. {@code Sequence(ClassLabel)}
     * for multi-label data (each row holds the ids of its labels).
     */
    record Sequence(Feature feature) implements Feature {
        public String typeName() {
            return "Sequence(" + feature.typeName() + ")";
        }

        @Override
        public String toString() {
            return "Sequence(feature=" + feature + ")";
        }
    }

    /** The feature a column of this type gets when nothing more is known. */
    static Feature of(Column column) {
        return new Value(column.typeName());
    }
}
