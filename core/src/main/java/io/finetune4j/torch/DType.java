package io.finetune4j.torch;

/** torch's dtypes that finetune4j uses ({@code torch.float32}, {@code torch.bfloat16}, ...). */
public enum DType {
    FLOAT32("float32", 4, true),
    FLOAT16("float16", 2, true),
    BFLOAT16("bfloat16", 2, true),
    FLOAT64("float64", 8, true),
    INT64("int64", 8, false),
    INT32("int32", 4, false),
    INT8("int8", 1, false),
    UINT8("uint8", 1, false),
    BOOL("bool", 1, false);

    private final String torchName;
    private final int itemSize;
    private final boolean floatingPoint;

    DType(String torchName, int itemSize, boolean floatingPoint) {
        this.torchName = torchName;
        this.itemSize = itemSize;
        this.floatingPoint = floatingPoint;
    }

    /** The name after {@code torch.}: {@code float32}, {@code bfloat16}, ... (HF's {@code torch_dtype} values). */
    public String torchName() {
        return torchName;
    }

    /** Bytes per element ({@code torch.dtype.itemsize}). */
    public int itemSize() {
        return itemSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The dtype named as in {@code config.json}'s {@code torch_dtype} ({@code float32}, {@code bfloat16}, ...). */
    public static DType fromTorchName(String name) {
        for (DType t : values()) {
            if (t.torchName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'");
    }

    @Override
    public String toString() {
        return torchName;
    }
}
