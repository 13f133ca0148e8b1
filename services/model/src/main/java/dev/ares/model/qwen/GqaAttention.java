package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
    private final NDArray eps;
    private final NDArray scale;
    private ProjectionAdapter qkvAdapter;
    private ProjectionAdapter outAdapter;

    /**
     * @param qkv     fused projection {@code [(H + 2 KV) * D, hidden]}
     * @param qkvBias fused bias {@code [(H + 2 KV) * D]}, or null
     * @param out     output projection {@code o_proj} {@code [hidden, H * D]}
     * @param qkNorm  per-head RMSNorm gains {@code [H + KV, D]} (q_norm repeated over the H query heads, then
     *                k_norm over the KV heads), or null
     * @param eps     float32 array holding the RMSNorm epsilon of the q/k norm
     */
    public GqaAttention(NDArray qkv, NDArray qkvBias, NDArray out, NDArray qkNorm, int heads, int kvHeads,
                        int headDim, NDArray eps) {
        this.qkv = qkv;
        this.qkvBias = qkvBias;
        this.out = out;
        this.qkNorm = qkNorm;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.eps = eps;
        this.scale = qkv.getManager().create((float) (1.0 / Math.sqrt(headDim))).toType(qkv.getDataType(), false);
    }

    /**
     * @param x        normalised activations {@code [B, T, hidden]} ({@code [B, hidden]} on a one-token step)
     * @param residual one-token steps: the block's input {@code [B, hidden]}, added inside {@code o_proj}; else null
     * @param pass     positions, mask and cache of this forward call
     * @param layer    index of this layer in the cache
     * @return attention output after {@code o_proj}, {@code [B, T, hidden]}; on a one-token step
     *         {@code residual} plus that output, {@code [B, hidden]}
     */
    public NDArray forward(NDArray x, NDArray residual, ForwardPass pass, int layer) {
        long b = x.getShape().get(0);
        long t = pass.oneToken() ? 1 : x.getShape().get(1);
        NDArray proj = qkvBias == null ? Linear.linear(x, qkv).singletonOrThrow()
                : Linear.linear(x, qkv, qkvBias).singletonOrThrow();
        if (qkvAdapter != null) {
            proj = qkvAdapter.adapt(x, proj);
        }
        return pass.oneToken() ? step(proj, b, residual, pass, layer) : sequence(proj, b, t, pass, layer);
    }

    /** T > 1: prefill or full-sequence (training) forward. */
    private NDArray sequence(NDArray proj, long b, long t, ForwardPass pass, int layer) {
        int rep = heads / kvHeads;
        proj = proj.reshape(b, t, heads + 2L * kvHeads, headDim);
        NDList parts = proj.split(new long[] {heads + kvHeads}, 2);
        NDArray qk = parts.get(0);                                                   // [B, T, H + KV, D]
        NDArray v = parts.get(1);                                                    // [B, T, KV, D]
        if (qkNorm != null) {
            qk = RmsNorm.apply(qk, qkNorm, eps);
        }
        qk = RotaryEmbedding.apply(qk, pass.cos(), pass.signedSin());
        NDList qkParts = qk.split(new long[] {heads}, 2);
        NDArray q = qkParts.get(0).mul(scale).transpose(0, 2, 1, 3);                  // [B, H, T, D]
        NDArray k = qkParts.get(1).transpose(0, 2, 1, 3);                            // [B, KV, T, D]
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
        NDArray probs = softmax(scores.reshape(b, kvHeads, rep, t, s).add(pass.bias()), v.getDataType());
        NDArray o = probs.reshape(b, kvHeads, rep * t, s).matMul(v);                 // [B, KV, rep * T, D]
        o = o.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return project(o, null);
    }

    /**
     * T = 1: one decode step. With a single query position the head axis stands where the time axis was, so
     * q, k and v come out of one split of {@code [B, H + 2KV, D]} without transposes, and query head
     * {@code h = kv * rep + r} is row {@code (kv, r)} of {@code [B, KV, rep, D]}. RoPE is one batched matrix
     * product per side ({@link ForwardPass#rotQ()}, which also scales the query by {@code 1/sqrt(D)}), and the
     * keys and values are read through the cache's window views ({@link KvCache#decodeWindow}), whose slots
     * past the current one the bias masks off.
     */
    private NDArray step(NDArray proj, long b, NDArray residual, ForwardPass pass, int layer) {
        int rep = heads / kvHeads;
        proj = proj.reshape(b, heads + 2L * kvHeads, headDim);
        NDArray q;
        NDArray k;
        NDArray v;
        if (qkNorm == null) {
            NDList parts = proj.split(new long[] {heads, heads + kvHeads}, 1);
            q = parts.get(0);                                                         // [B, H, D]
            k = parts.get(1);                                                         // [B, KV, D]
            v = parts.get(2);
        } else {
            NDList parts = proj.split(new long[] {heads + kvHeads}, 1);
            NDList qk = RmsNorm.apply(parts.get(0), qkNorm, eps).split(new long[] {heads}, 1);
            q = qk.get(0);
            k = qk.get(1);
            v = parts.get(1);
        }
        q = q.matMul(pass.rotQ()).reshape(b, kvHeads, rep, headDim);                 // rotated, scaled
        k = k.matMul(pass.rotK()).expandDims(2);                                      // [B, KV, 1, D]
        v = v.expandDims(2);
        KvCache cache = pass.cache();
        cache.write(layer, k, v);
        NDArray values = cache.windowValues(layer);                                   // [B, KV, W, D]
        NDArray scores = q.matMul(cache.windowKeysT(layer));                          // [B, KV, rep, W]
        NDArray probs = softmax(scores.add(pass.bias()), values.getDataType());     // bias [B, 1, 1, W]
        NDArray o = probs.matMul(values);                                             // [B, KV, rep, D]
        return project(o.reshape(b, (long) heads * headDim), residual);
    }

    /** {@code o_proj} (plus {@code residual} when given, in the same product), plus its adapter when one is attached. */
    private NDArray project(NDArray o, NDArray residual) {
        NDArray y = residual == null ? Linear.linear(o, out).singletonOrThrow()
                : Linear.linear(o, out, residual).singletonOrThrow();
        return outAdapter == null ? y : outAdapter.adapt(o, y);
    }

    /**
     * Attaches additive adapters to the projections (null detaches).
     *
     * @param qkvAdapter corrects the fused q/k/v output {@code [..., (H + 2 KV) * D]} (q rows, then k, then v)
     * @param outAdapter corrects the {@code o_proj} output {@code [..., hidden]}
     */
    public void setAdapters(ProjectionAdapter qkvAdapter, ProjectionAdapter outAdapter) {
        this.qkvAdapter = qkvAdapter;
        this.outAdapter = outAdapter;
    }

    /** Query heads H. */
    public int heads() {
        return heads;
    }

    /** Key/value heads KV. */
    public int kvHeads() {
        return kvHeads;
    }

    /** Head width D. */
    public int headDim() {
        return headDim;
    }

    private static NDArray softmax(NDArray scores, DataType type) {
        NDArray p = scores.softmax(-1);
        return p.getDataType() == type ? p : p.toType(type, false);
    }
}
