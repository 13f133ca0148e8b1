package dev.ares.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.ares.model.qwen.QwenModel;

/**
 * Log-probabilities and entropies of given tokens from one full-sequence forward pass (no KV cache), the
 * quantities of the policy-gradient loss (aepo-spec: per-token log pi and entropy). Inside a DJL
 * {@code GradientCollector} with parameters that require gradients, the outputs are differentiable.
 */
public final class TokenScorer {
    private TokenScorer() {
    }

    /**
     * Scores of a batch.
     *
     * @param logprobs  {@code [B, T]} float32: {@code log softmax(logits_t / T)[target_t]}
     * @param entropies {@code [B, T]} float32: entropy (nats) of {@code softmax(logits_t / T)}
     */
    public record Scores(NDArray logprobs, NDArray entropies) {
    }

    /**
     * @param ids         int64 input ids {@code [B, T]} (position t predicts {@code targets[:, t]})
     * @param positions   int64 RoPE positions {@code [B, T]}
     * @param mask        {@code [B, T]} nonzero on real tokens (padding positions give meaningless scores)
     * @param targets     int64 {@code [B, T]} tokens to score
     * @param temperature the sampling temperature the scores refer to ({@code > 0}; 1 for the plain model)
     */
    public static Scores score(QwenModel model, NDArray ids, NDArray positions, NDArray mask, NDArray targets,
                               double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        NDArray logits = model.forward(ids, positions, mask, null, false);               // [B, T, V] float32
        if (temperature != 1.0) {
            logits = logits.div((float) temperature);
        }
        NDArray logp = logits.logSoftmax(-1);
        NDArray lp = logp.gather(targets.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1);
        NDArray h = logp.exp().mul(logp).sum(new int[] {-1}).neg();
        return new Scores(lp, h);
    }
}
