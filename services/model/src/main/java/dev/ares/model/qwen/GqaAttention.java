package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;

/**
 * Causal grouped-query self-attention (Ainslie et al. 2023, GQA; scaled dot-product attention of Vaswani
 * et al. 2017, eq. 1) with rotary positions, optional q/k/v bias (Qwen2) and optional per-head RMSNorm on
 * q and k before the rotation (Qwen3).
 *
 * <p>The q, k and v projections are fused into one weight {@code [(H + 2 KV) * D, hidden]} (q rows, then k,
 * then v). Query head {@code h} reads key/value head {@code h / (H / KV)}; instead of repeating the keys,
 * the query heads of one group are folded into the row axis of one matrix product per key/value head.
 */
public final class GqaAttention {
    final NDArray qkv;
    final NDArray qkvBias;
    final NDArray out;
    final NDArray qkNorm;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final double eps;
    private final float scale;

    /**
     * @param qkv     fused projection {@code [(H + 2 KV) * D, hidden]}
     * @param qkvBias fused bias {@code [(H + 2 KV) * D]}, or null
     * @param out     output projection {@code o_proj} {@code [hidden, H * D]}
     * @param qkNorm  per-head RMSNorm gains {@code [H + KV, D]} (q_norm repeated over the H query heads, then
     *                k_norm over the KV heads), or null
     * @param eps     RMSNorm epsilon of the q/k norm
     */
    public GqaAttention(NDArray qkv, NDArray qkvBias, NDArray out, NDArray qkNorm, int heads, int kvHeads,
                        int headDim, double eps) {
        this.qkv = qkv;
        this.qkvBias = qkvBias;
        this.out = out;
        this.qkNorm = qkNorm;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.eps = eps;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * @param x     normalised activations {@code [B, T, hidden]}
     * @param pass  positions, mask and cache of this forward call
     * @param layer index of this layer in the cache
     * @return attention output after {@code o_proj}, {@code [B, T, hidden]}
     */
    public NDArray forward(NDArray x, ForwardPass pass, int layer) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int rep = heads / kvHeads;
        NDArray proj = qkvBias == null ? Linear.linear(x, qkv).singletonOrThrow()
                : Linear.linear(x, qkv, qkvBias).singletonOrThrow();
        proj = proj.reshape(b, t, heads + 2L * kvHeads, headDim);
        NDArray qk = proj.get(":, :, :" + (heads + kvHeads));
        NDArray v = proj.get(":, :, " + (heads + kvHeads) + ":");
        if (qkNorm != null) {
            qk = RmsNorm.apply(qk, qkNorm, eps);
        }
        qk = pass.rope().apply(qk, pass.angles());
        NDArray q = qk.get(":, :, :" + heads).mul(scale).transpose(0, 2, 1, 3);      // [B, H, T, D]
        NDArray k = qk.get(":, :, " + heads + ":").transpose(0, 2, 1, 3);            // [B, KV, T, D]
        v = v.transpose(0, 2, 1, 3);                                                  // [B, KV, T, D]
        KvCache cache = pass.cache();
        if (cache != null) {
            cache.write(layer, k, v);
            int upto = cache.length() + (int) t;
            k = cache.keys(layer, upto);
            v = cache.values(layer, upto);
        }
        long s = k.getShape().get(2);
        // [B, KV, rep * T, D] x [B, KV, D, S] -> [B, KV, rep * T, S]
        NDArray scores = q.reshape(b, kvHeads, rep * t, headDim).matMul(k.transpose(0, 1, 3, 2));
        scores = scores.reshape(b, kvHeads, rep, t, s).add(pass.bias());
        DataType type = scores.getDataType();
        NDArray probs = type == DataType.FLOAT32 ? scores.softmax(-1)
                : scores.toType(DataType.FLOAT32, false).softmax(-1).toType(type, false);
        NDArray o = probs.reshape(b, kvHeads, rep * t, s).matMul(v);                 // [B, KV, rep * T, D]
        o = o.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return Linear.linear(o, out).singletonOrThrow();
    }
}
