package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What every layer of one forward call shares.
 *
 * @param rope   the model's rotary embedding
 * @param angles {@code (cos, sin)} for this call's positions, each {@code [B, T, 1, D]}
 * @param bias   additive attention bias {@code [B, 1, 1, T, S]}: 0 where query {@code t} may attend key
 *               {@code s}, a large negative number elsewhere (causality and padding)
 * @param cache  the KV cache written at its current length, or null for a cache-free (training) forward
 */
public record ForwardPass(RotaryEmbedding rope, NDList angles, NDArray bias, KvCache cache) {
}
