package dev.ares.model.qwen;

import ai.djl.ndarray.NDArray;

/**
 * One pre-norm decoder block of the Qwen family:
 * {@code x = x + attn(rms(x)); x = x + mlp(rms(x))}.
 */
public final class DecoderLayer {
    final NDArray inputNorm;
    final GqaAttention attention;
    final NDArray postAttentionNorm;
    final SwiGluMlp mlp;
    private final NDArray eps;

    /**
     * @param inputNorm         {@code input_layernorm.weight} {@code [hidden]}
     * @param attention         self-attention block
     * @param postAttentionNorm {@code post_attention_layernorm.weight} {@code [hidden]}
     * @param mlp               feed-forward block
     * @param eps               float32 array holding the RMSNorm epsilon
     */
    public DecoderLayer(NDArray inputNorm, GqaAttention attention, NDArray postAttentionNorm, SwiGluMlp mlp,
                        NDArray eps) {
        this.inputNorm = inputNorm;
        this.attention = attention;
        this.postAttentionNorm = postAttentionNorm;
        this.mlp = mlp;
        this.eps = eps;
    }

    /** The self-attention block (to attach projection adapters). */
    public GqaAttention attention() {
        return attention;
    }

    /** The feed-forward block (to attach projection adapters). */
    public SwiGluMlp mlp() {
        return mlp;
    }

    /**
     * {@code x [B, T, hidden]} to {@code [B, T, hidden]}; on a one-token step ({@link ForwardPass#oneToken()})
     * {@code x [B, hidden]} to {@code [B, hidden]}, with each residual addition fused into the projection before it
     * (one {@code addmm} instead of a matrix product and an addition).
     */
    public NDArray forward(NDArray x, ForwardPass pass, int layer) {
        if (pass.oneToken()) {
            NDArray h = attention.forward(RmsNorm.apply(x, inputNorm, eps), x, pass, layer);
            return mlp.forward(RmsNorm.apply(h, postAttentionNorm, eps), h);
        }
        NDArray h = x.add(attention.forward(RmsNorm.apply(x, inputNorm, eps), null, pass, layer));
        return h.add(mlp.forward(RmsNorm.apply(h, postAttentionNorm, eps)));
    }
}
