package dev.ares.model.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * Draws one token per row from a batch of logits, on the logits' device, and brings back only the per-row
 * scalars (id, two log-probabilities, entropy; plus the top alternatives when asked).
 *
 * <p>Definitions, with {@code l} the logits of a row and {@code T} the temperature:
 * <ul>
 *   <li>model log-probability: {@code log softmax(l)[id]} (temperature 1, no truncation);</li>
 *   <li>entropy: {@code H = -sum_v p_v log p_v} with {@code p = softmax(l / T)} over the full vocabulary
 *       (greedy: {@code T = 1});</li>
 *   <li>sampling distribution: {@code p} restricted to the {@code topK} most likely tokens, then to the
 *       smallest prefix (in descending order) whose renormalised mass reaches {@code topP}, renormalised;
 *       the token is drawn by inverting its cumulative distribution with one uniform number per row;</li>
 *   <li>sampled log-probability: {@code log q[id]} of that renormalised distribution (0 for greedy).</li>
 * </ul>
 */
public final class TokenSampler {
    private TokenSampler() {
    }

    /** Per-row outcome of one sampling step. */
    public record Step(int[] ids, float[] sampledLogprobs, float[] modelLogprobs, float[] entropies,
                       TokenAlternative[][] alternatives) {
    }

    /**
     * @param logits   float32 {@code [B, V]}
     * @param p        sampling parameters
     * @param uniforms one number in [0, 1) per row (ignored for greedy)
     */
    public static Step sample(NDArray logits, GenerationParams p, float[] uniforms) {
        int b = (int) logits.getShape().get(0);
        int v = (int) logits.getShape().get(1);
        try (NDScope scope = new NDScope()) {
            NDManager m = logits.getManager();
            NDArray logp1 = logits.logSoftmax(-1);
            NDArray ids;
            NDArray sampledLp;
            NDArray entropy;
            if (p.greedy()) {
                ids = logits.argMax(-1).expandDims(-1);                                  // [B, 1] int64
                entropy = entropy(logp1);
                sampledLp = m.zeros(new ai.djl.ndarray.types.Shape(b, 1), DataType.FLOAT32);
            } else {
                NDArray logpT = p.temperature() == 1.0 ? logp1 : logits.div((float) p.temperature()).logSoftmax(-1);
                entropy = entropy(logpT);
                NDArray u = m.create(uniforms).reshape(b, 1);
                NDArray sortedLp;
                NDArray order;
                boolean truncated = p.topK() > 0 && p.topK() < v || p.topP() < 1.0;
                if (!truncated) {
                    sortedLp = logpT;                                                    // any order works
                    order = null;
                } else if (p.topK() > 0 && p.topK() < v) {
                    NDList top = logpT.topK(p.topK(), -1, true, true);                   // descending
                    sortedLp = top.get(0);
                    order = top.get(1);
                } else {
                    order = logpT.argSort(-1, false);
                    sortedLp = logpT.gather(order, -1);
                }
                NDArray probs = sortedLp.exp();
                if (p.topP() < 1.0) {
                    NDArray mass = probs.sum(new int[] {-1}, true);
                    NDArray before = probs.cumSum(-1).sub(probs);                        // mass strictly before
                    NDArray keep = before.lt(mass.mul((float) p.topP()));                // first token always kept
                    probs = probs.mul(keep.toType(DataType.FLOAT32, false));
                }
                NDArray z = probs.sum(new int[] {-1}, true);
                NDArray cdf = probs.cumSum(-1);
                NDArray kept = probs.gt(0f).toType(DataType.INT64, false).sum(new int[] {-1}, true);
                NDArray pick = cdf.lt(u.mul(z)).toType(DataType.INT64, false).sum(new int[] {-1}, true);
                pick = NDArrays.minimum(pick, kept.sub(1L));                             // guard rounding at the top
                sampledLp = sortedLp.gather(pick, -1).sub(z.log());
                ids = order == null ? pick : order.gather(pick, -1);
            }
            NDArray modelLp = logp1.gather(ids, -1);
            NDArray packed = NDArrays.concat(new NDList(ids.toType(DataType.FLOAT64, false),
                    sampledLp.toType(DataType.FLOAT64, false), modelLp.toType(DataType.FLOAT64, false),
                    entropy.toType(DataType.FLOAT64, false)), 1);                      // [B, 4]
            double[] host = packed.toDoubleArray();
            int[] outIds = new int[b];
            float[] s = new float[b];
            float[] ml = new float[b];
            float[] h = new float[b];
            for (int r = 0; r < b; r++) {
                outIds[r] = (int) host[4 * r];
                s[r] = (float) host[4 * r + 1];
                ml[r] = (float) host[4 * r + 2];
                h[r] = (float) host[4 * r + 3];
            }
            TokenAlternative[][] alts = new TokenAlternative[b][];
            if (p.topLogprobs() > 0) {
                NDList top = logp1.topK(Math.min(p.topLogprobs(), v), -1, true, true);
                float[] lp = top.get(0).toFloatArray();
                long[] ix = top.get(1).toLongArray();
                int n = (int) top.get(0).getShape().get(1);
                for (int r = 0; r < b; r++) {
                    alts[r] = new TokenAlternative[n];
                    for (int j = 0; j < n; j++) {
                        alts[r][j] = new TokenAlternative((int) ix[r * n + j], lp[r * n + j]);
                    }
                }
            } else {
                java.util.Arrays.fill(alts, new TokenAlternative[0]);
            }
            return new Step(outIds, s, ml, h, alts);
        }
    }

    /** {@code -sum exp(lp) * lp} over the last axis, {@code [B, 1]}. */
    private static NDArray entropy(NDArray logp) {
        return logp.exp().mul(logp).sum(new int[] {-1}, true).neg();
    }
}
