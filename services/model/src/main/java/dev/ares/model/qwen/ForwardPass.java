package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;

/**
 * What every layer of one forward call shares.
 *
 * @param cos       RoPE cosines, {@code [B, T, 1, D]} ({@code [B, 1, D]} for a one-token step)
 * @param signedSin RoPE sines with the rotate-half sign, same shape as {@code cos}
 * @param bias      additive float32 attention bias {@code [B, 1, 1, T, S]}: 0 where query {@code t} may
 *                  attend key {@code s}, a large negative number elsewhere (causality and padding); for a
 *                  one-token step {@code [B, 1, 1, W]} over the cache's window ({@link KvCache#decodeWindow})
 * @param cache     the KV cache written at its current length, or null for a cache-free (training) forward
 * @param oneToken  true for a one-token decode step (T = 1), which takes a transpose-free path
 * @param rotQ      one-token steps: RoPE as a matrix times the attention scale {@code 1/sqrt(D)}, {@code [B, D, D]}
 *                  ({@link RotaryEmbedding#rotationMatrices}); null otherwise
 * @param rotK      one-token steps: RoPE as a matrix, {@code [B, D, D]}; null otherwise
 */
public record ForwardPass(NDArray cos, NDArray signedSin, NDArray bias, KvCache cache, boolean oneToken,
                          NDArray rotQ, NDArray rotK) {
    public ForwardPass {
        if (oneToken && (cache == null || rotQ == null || rotK == null)) {
            throw new IllegalArgumentException("a one-token step needs a KV cache and the RoPE matrices");
        }
    }
}
