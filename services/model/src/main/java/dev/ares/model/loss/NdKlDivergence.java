package dev.ares.model.loss;

import ai.djl.ndarray.NDArray;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.KlDivergence;

/**
 * Per-token KL estimators against the frozen reference policy, their token weights and the weighted KL loss on
 * DJL NDArrays with autograd (aepo-spec §7; paper Eq. 1 and Alg. 1 lines 17–22). The NDArray counterpart of
 * {@link KlDivergence}: same estimators, clamps and aggregation, so the two agree to rounding.
 *
 * <p>All log-probabilities are natural logs of the sampled token, shape {@code [B, T]}.
 */
public final class NdKlDivergence {
    private NdKlDivergence() {
    }

    /**
     * Per-token KL estimate.
     *
     * <ul>
     *   <li>K1: log π_θ − log π_ref;</li>
     *   <li>K2: ½ (log π_θ − log π_ref)²;</li>
     *   <li>K3 (spec §7.2 "low_var_kl"): d = clamp(log π_ref − log π_θ, ±{@value KlDivergence#K3_LOG_RATIO_CLAMP}),
     *       e^d − d − 1, clamped to ±{@value KlDivergence#K3_VALUE_CLAMP}. The clamps pass no gradient outside
     *       their range, as in PyTorch's {@code clamp}.</li>
     * </ul>
     *
     * @param logp {@code [B, T]} log π_θ (may require gradients)
     * @param refLogp {@code [B, T]} log π_ref (treated as a constant)
     * @param est estimator
     * @return {@code [B, T]} KL in nats, same data type as {@code logp}
     */
    public static NDArray perToken(NDArray logp, NDArray refLogp, KlDivergence.Estimator est) {
        if (!logp.getShape().equals(refLogp.getShape())) {
            throw new AepoInputException("refLogp shape " + refLogp.getShape() + " differs from logp shape "
                    + logp.getShape());
        }
        NDArray ref = refLogp.toType(logp.getDataType(), false).stopGradient();
        return switch (est) {
            case K1 -> logp.sub(ref);
            case K2 -> logp.sub(ref).square().mul(0.5);
            case K3 -> {
                NDArray d = ref.sub(logp).clip(-KlDivergence.K3_LOG_RATIO_CLAMP, KlDivergence.K3_LOG_RATIO_CLAMP);
                yield d.exp().sub(d).sub(1.0).clip(-KlDivergence.K3_VALUE_CLAMP, KlDivergence.K3_VALUE_CLAMP);
            }
        };
    }

    /**
     * Token weights β_{i,t} = β_{d(i)} · ρ^{W_{i,t}} (paper Eq. 1, Alg. 1 line 17; spec §14 {@code kl_weights}).
     *
     * @param betaPerSeq {@code [B]} per-sequence scale (β_d(i), times κ_d or the second-chance factor, see
     *                   {@link KlDivergence#sequenceScales})
     * @param window {@code [B, T]} tokens inside validated HWE windows (boolean or nonzero), or null for none
     * @param t padded length T
     * @param rho relaxation ρ in (0, 1]
     * @return {@code [B, T]} weights, data type of {@code betaPerSeq}; constants (no gradient)
     */
    public static NDArray weights(NDArray betaPerSeq, NDArray window, long t, double rho) {
        if (!(rho > 0 && rho <= 1)) {
            throw new AepoInputException("rho must lie in (0, 1], got " + rho);
        }
        if (betaPerSeq.getShape().dimension() != 1) {
            throw new AepoInputException("betaPerSeq must be [B], got " + betaPerSeq.getShape());
        }
        long b = betaPerSeq.getShape().get(0);
        NDArray beta = betaPerSeq.stopGradient().reshape(b, 1);
        if (window == null) {
            return beta.repeat(1, t);
        }
        if (window.getShape().dimension() != 2 || window.getShape().get(0) != b || window.getShape().get(1) != t) {
            throw new AepoInputException("window must be [" + b + ", " + t + "], got " + window.getShape());
        }
        NDArray w = MaskedAggregation.asBoolean(window, "window").toType(beta.getDataType(), false);
        return w.mul(rho - 1.0).add(1.0).mul(beta);
    }

    /**
     * Weighted KL loss agg(β · kl) over the response mask (spec §14 {@code kl_loss}); multiply by the KL
     * coefficient (0.01) outside.
     *
     * @param kl {@code [B, T]} per-token KL
     * @param weights {@code [B, T]} β_{i,t}, or null for 1
     * @param mask {@code [B, T]} response mask (boolean or nonzero)
     * @param agg aggregation
     * @return scalar loss in nats
     */
    public static NDArray loss(NDArray kl, NDArray weights, NDArray mask, KlDivergence.Aggregation agg) {
        NDArray x = weights == null ? kl : kl.mul(weights.toType(kl.getDataType(), false));
        return MaskedAggregation.aggregate(x, MaskedAggregation.asBoolean(mask, "mask"), agg);
    }

    /**
     * Paper Alg. 1 controller signal (spec §7.1): seq-mean-token-mean over the response mask of the KL of tokens
     * outside validated windows (window tokens count as 0 but stay in L_i). No gradient.
     *
     * @param kl {@code [B, T]} per-token KL
     * @param window {@code [B, T]} validated-window tokens, or null for none
     * @param mask {@code [B, T]} response mask
     * @return KL_ctrl in nats
     */
    public static double nonWindowSignal(NDArray kl, NDArray window, NDArray mask) {
        NDArray k = kl.stopGradient();
        NDArray x = window == null ? k
                : k.mul(MaskedAggregation.asBoolean(window, "window").logicalNot().toType(k.getDataType(), false));
        return MaskedAggregation.aggregate(x, MaskedAggregation.asBoolean(mask, "mask"),
                KlDivergence.Aggregation.SEQ_MEAN_TOKEN_MEAN).toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .getDouble();
    }
}
