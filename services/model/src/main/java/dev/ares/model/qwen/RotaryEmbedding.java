package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer, eq. 34) in the "rotate half" layout of the Hugging
 * Face Qwen models: channel {@code i} and {@code i + d/2} form a pair rotated by angle
 * {@code p * theta^(-2i/d)} for position {@code p}. Angles are computed in float32 from the position ids,
 * as in the reference.
 */
public final class RotaryEmbedding {
    private final NDArray invFreq;
    private final int headDim;

    /**
     * @param manager owner of the frequency table
     * @param headDim rotated width (even)
     * @param theta   RoPE base ({@code rope_theta})
     */
    public RotaryEmbedding(NDManager manager, int headDim, double theta) {
        this.headDim = headDim;
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
        this.invFreq = manager.create(f);
    }

    /**
     * Cosines and sines for the given positions.
     *
     * @param positions int64 position ids {@code [B, T]}
     * @param type      dtype of the activations they will multiply
     * @return {@code (cos, sin)}, each {@code [B, T, 1, headDim]} (the 1 broadcasts over heads)
     */
    public NDList angles(NDArray positions, DataType type) {
        NDArray freqs = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(invFreq);
        NDArray emb = freqs.concat(freqs, -1).expandDims(2);
        NDArray cos = emb.cos();
        NDArray sin = emb.sin();
        if (type != DataType.FLOAT32) {
            cos = cos.toType(type, false);
            sin = sin.toType(type, false);
        }
        return new NDList(cos, sin);
    }

    /**
     * Rotates {@code x} ({@code [B, T, heads, headDim]}) by the angles of {@link #angles}:
     * {@code x * cos + rotate_half(x) * sin}, where {@code rotate_half([a, b]) = [-b, a]}.
     */
    public NDArray apply(NDArray x, NDList angles) {
        int half = headDim / 2;
        NDArray first = x.get("..., :" + half);
        NDArray second = x.get("..., " + half + ":");
        NDArray rotated = second.neg().concat(first, -1);
        return x.mul(angles.get(0)).add(rotated.mul(angles.get(1)));
    }

    /** Rotated width. */
    public int headDim() {
        return headDim;
    }
}
