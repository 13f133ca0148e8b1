package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Root-mean-square layer normalisation (Zhang and Sennrich 2019, eq. 4):
 * {@code y = x / sqrt(mean(x^2) + eps) * w}, over the last axis. As in the Hugging Face Qwen modules, the
 * statistic is computed in float32 whatever the model dtype, and the weight is applied in the model dtype.
 */
public final class RmsNorm {
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
        NDArray rms = x32.square().mean(new int[] {-1}, true).add(eps).sqrt();
        NDArray y = x32.div(rms);
        if (type != DataType.FLOAT32) {
            y = y.toType(type, false);
        }
        return y.mul(weight);
    }
}
