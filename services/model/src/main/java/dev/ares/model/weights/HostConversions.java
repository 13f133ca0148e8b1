package dev.ares.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Element conversions done on the host for the types DJL 0.36's PyTorch JNI cannot hold (BF16, I16).
 * bfloat16 is the upper half of an IEEE float32, so widening is exact (a 16-bit shift); narrowing rounds
 * to nearest, ties to even, as {@code torch.Tensor.to(torch.bfloat16)} does.
 */
public final class HostConversions {

    private HostConversions() {
    }

    /** bfloat16 bits to float32, exactly. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float32 to bfloat16 bits, round to nearest even (NaN stays a quiet NaN). */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((x >>> 16) | 0x40);
        }
        int lsb = (x >>> 16) & 1;
        return (short) ((x + 0x7FFF + lsb) >>> 16);
    }

    /**
     * Widens a BF16 (to FLOAT32) or I16 (to INT32) tensor held in {@code buf}, through a
     * direct buffer, and converts the result to {@code target} when given.
     */
    static NDArray widen(ByteBuffer buf, TensorInfo t, NDManager manager, DataType target) {
        long n = t.elementCount();
        boolean bf = t.dtype() == SafetensorsDType.BF16;
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.nativeOrder());
        ByteBuffer in = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            short s = in.getShort((int) (2 * i));
            if (bf) {
                out.putInt((s & 0xFFFF) << 16);
            } else {
                out.putInt(s);
            }
        }
        out.flip();
        try (NDArray alias = manager.create(out, new Shape(t.shape()), bf ? DataType.FLOAT32 : DataType.INT32)) {
            return target == null || target == alias.getDataType() ? alias.duplicate() : alias.toType(target, false);
        }
    }

    /** Converts {@code count} floats to little-endian bfloat16 bytes. */
    static ByteBuffer toBf16(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(floatToBf16(v));
        }
        b.flip();
        return b;
    }

}
