package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer, eq. 34) in the "rotate half" layout of the Hugging
 * Face Qwen models: channel {@code i} and {@code i + d/2} form a pair rotated by angle
 * {@code p * theta^(-2i/d)} for position {@code p}.
 *
 * <p>Cosines and sines are tabulated once for positions {@code [0, maxPositions)} with the angle computed in
 * float32 as the reference does; a forward pass looks its positions up in the tables. The sine table carries
 * the sign of {@code rotate_half}: {@code rotate_half(x) * sin == swap_halves(x) * [-sin, sin]}.
 */
public final class RotaryEmbedding {
    private final NDArray cosTable;
    private final NDArray sinTable;
    private final NDArray eye;
    private final NDArray swap;
    private final int headDim;
    private final int maxPositions;

    /**
     * @param manager      owner of the tables
     * @param headDim      rotated width (even)
     * @param theta        RoPE base ({@code rope_theta})
     * @param maxPositions positions tabulated
     * @param type         element type of the tables (the compute dtype)
     */
    public RotaryEmbedding(NDManager manager, int headDim, double theta, int maxPositions, DataType type) {
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        float[] f = new float[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray pos = tmp.arange(0, maxPositions).toType(DataType.FLOAT32, false).expandDims(1);
            NDArray angle = pos.mul(tmp.create(f).expandDims(0));                   // [P, D/2] in float32
            NDArray cos = angle.cos();
            NDArray sin = angle.sin();
            NDArray c = cos.concat(cos, 1).toType(type, false);
            NDArray s = sin.neg().concat(sin, 1).toType(type, false);
            c.attach(manager);
            s.attach(manager);
            this.cosTable = c;
            this.sinTable = s;
        }
        // Rotation as a matrix (one-token steps): x M with M[j][i] = cos_i [j == i] + signedSin_i [j == partner(i)].
        float[] id = new float[headDim * headDim];
        float[] sw = new float[headDim * headDim];
        int half = headDim / 2;
        for (int i = 0; i < headDim; i++) {
            id[i * headDim + i] = 1f;
            sw[((i + half) % headDim) * headDim + i] = 1f;
        }
        this.eye = manager.create(id, new ai.djl.ndarray.types.Shape(headDim, headDim)).toType(type, false);
        this.swap = manager.create(sw, new ai.djl.ndarray.types.Shape(headDim, headDim)).toType(type, false);
    }

    /**
     * The rotation of one position per row as a matrix, for one-token decode steps: {@code x M} equals
     * {@link #apply}{@code (x, cos, signedSin)} for every row vector {@code x [D]} (up to rounding: each output
     * channel is the same two products, summed by the matrix product), so one batched matrix product rotates all
     * heads of a row at once. {@code M[b][j][i] = cos[b][i]} if {@code j == i}, {@code signedSin[b][i]} if
     * {@code j} is the rotate-half partner of {@code i}, else 0.
     *
     * @param cos       {@code [B, 1, D]} cosines of the rows' positions
     * @param signedSin {@code [B, 1, D]} signed sines
     * @return {@code [B, D, D]}
     */
    public NDArray rotationMatrices(NDArray cos, NDArray signedSin) {
        return eye.mul(cos).add(swap.mul(signedSin));
    }

    /** Positions covered by the tables. */
    public int maxPositions() {
        return maxPositions;
    }

    /**
     * Table rows for the given positions.
     *
     * @param positions int64 position ids {@code [B, T]}, each in {@code [0, maxPositions)}
     * @return {@code (cos, signedSin)}, each {@code [B, T, headDim]}
     */
    public NDList angles(NDArray positions) {
        NDArray cos = cosTable.getNDArrayInternal().embedding(positions, cosTable, SparseFormat.DENSE)
                .singletonOrThrow();
        NDArray sin = sinTable.getNDArrayInternal().embedding(positions, sinTable, SparseFormat.DENSE)
                .singletonOrThrow();
        return new NDList(cos, sin);
    }

    /**
     * Rotates {@code x} ({@code [..., headDim]}) by angles that broadcast against it:
     * {@code x * cos + swap_halves(x) * signedSin}.
     */
    public static NDArray apply(NDArray x, NDArray cos, NDArray signedSin) {
        NDList halves = x.split(2, x.getShape().dimension() - 1);
        NDArray swapped = halves.get(1).concat(halves.get(0), -1);
        return x.mul(cos).add(swapped.mul(signedSin));
    }

    /** Rotated width. */
    public int headDim() {
        return headDim;
    }
}
