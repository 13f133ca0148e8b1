package dev.ares.model.qwen;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Root-mean-square layer normalisation (Zhang and Sennrich 2019, eq. 4):
 * {@code y = x / sqrt(mean(x^2) + eps) * w}, over the last axis. As in the Hugging Face Qwen modules, the
 * statistic is computed in float32 whatever the model dtype, and the weight is applied in the model dtype.
 *
 * <p>{@code mean(x^2) + eps} is one matrix-vector product with bias, {@code linear(x^2, [1/n ... 1/n], eps)}: one
 * native operation instead of a reduction and an addition (every DJL operation costs a native call, and on
 * one-token decode steps these calls, not arithmetic, set the pace). The {@code 1/n} rows are process-wide
 * constants, one per width and device.
 */
public final class RmsNorm {
    /** {@code [1, n]} float32 rows of {@code 1/n}, by width and device; owned by a manager that is never closed. */
    private static final Map<String, NDArray> MEAN_ROWS = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> CONSTANTS = new ConcurrentHashMap<>();

    private RmsNorm() {
    }

    /**
     * @param x      activations {@code [..., n]}
     * @param weight gain {@code [n]} (or any shape that broadcasts against {@code x}, e.g. {@code [heads, n]})
     * @param eps    float32 array holding the variance epsilon (one element; precreated, since every scalar
     *               operand costs DJL an extra native allocation)
     * @return normalised activations, shape and dtype of {@code x}
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray eps) {
        DataType type = x.getDataType();
        NDArray x32 = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        long n = x.getShape().get(x.getShape().dimension() - 1);
        NDArray meanSquare = Linear.linear(x32.square(), meanRow(n, x.getDevice()), eps).singletonOrThrow();
        NDArray y = x32.div(meanSquare.sqrt());
        if (type != DataType.FLOAT32) {
            y = y.toType(type, false);
        }
        return y.mul(weight);
    }

    /** The {@code [1, n]} float32 row of {@code 1/n} on {@code device}. */
    private static NDArray meanRow(long n, Device device) {
        return MEAN_ROWS.computeIfAbsent(n + "@" + device, k -> {
            NDManager m = CONSTANTS.computeIfAbsent(device, NDManager::newBaseManager);
            float[] row = new float[Math.toIntExact(n)];
            java.util.Arrays.fill(row, (float) (1.0 / n));
            NDArray a = m.create(row, new Shape(1, n));
            NDScope.unregister(a);
            return a;
        });
    }
}
