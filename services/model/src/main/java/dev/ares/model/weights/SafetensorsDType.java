package dev.ares.model.weights;

import ai.djl.ndarray.types.DataType;

/**
 * Element types of the safetensors format (huggingface/safetensors, "Format" section) with their size in
 * bytes and the DJL type that holds them.
 */
public enum SafetensorsDType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, DataType.BFLOAT16),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I16(2, DataType.INT16),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int bytes;
    private final DataType djl;

    SafetensorsDType(int bytes, DataType djl) {
        this.bytes = bytes;
        this.djl = djl;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The DJL data type of the same layout. */
    public DataType djlType() {
        return djl;
    }

    /** True for the floating-point types (F64, F32, F16, BF16). */
    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors name of a DJL type, or null when the format has none. */
    public static SafetensorsDType of(DataType type) {
        for (SafetensorsDType d : values()) {
            if (d.djl == type) {
                return d;
            }
        }
        return null;
    }

    /** The enum constant for a header's {@code dtype} string, or null when unknown. */
    public static SafetensorsDType byName(String name) {
        for (SafetensorsDType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
