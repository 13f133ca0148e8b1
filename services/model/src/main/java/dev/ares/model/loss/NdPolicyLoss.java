package dev.ares.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.PolicyLoss;
import dev.ares.core.aepo.PolicyLossConfig;

/**
 * Clipped surrogate policy loss with asymmetric and dual clipping on DJL NDArrays with autograd (aepo-spec §8;
 * paper Eq. 2 with π_old in the ratio). The NDArray counterpart of {@link PolicyLoss#ppoClipLoss}.
 *
 * <p>Per token, with ℓ = clamp(log π_θ − log π_old, ±{@value PolicyLoss#LOG_RATIO_CLAMP}) and r = e^ℓ:
 * pg = max(−A·r, −A·exp(clamp(ℓ, log(1−ε_low), log(1+ε_high)))), and for A &lt; 0 with C &gt; 1 the dual clip
 * pg = min(pg, −C·A). Gradients flow only to log π_θ; the behaviour log-probabilities and advantages are
 * constants.
 */
public final class NdPolicyLoss {
    private NdPolicyLoss() {
    }

    /**
     * The loss with its diagnostics.
     *
     * @param perToken {@code [B, T]} per-token loss before aggregation (differentiable)
     * @param loss scalar aggregated loss (differentiable)
     * @param clipFraction fraction of masked tokens where the clipped branch is strictly larger
     * @param dualClipFraction fraction of masked tokens where the dual-clip bound −C·A was taken
     * @param approxKl masked token mean of log π_old − log π_θ (k1 against the behaviour policy), nats
     */
    public record Result(NDArray perToken, NDArray loss, double clipFraction, double dualClipFraction,
                         double approxKl) {
    }

    /**
     * Computes the clipped surrogate.
     *
     * @param logp {@code [B, T]} log π_θ of the sampled tokens (requires gradients when training)
     * @param behaviourLogp {@code [B, T]} log π_old, the behaviour policy that sampled the tokens
     * @param advantages {@code [B]} (broadcast over tokens, the GRPO A_i) or {@code [B, T]}
     * @param mask {@code [B, T]} response mask, boolean or nonzero
     * @param cfg ε_low, ε_high, C and the aggregation mode
     * @return per-token and aggregated loss plus metrics; all metrics are 0 when the mask is empty
     */
    public static Result compute(NDArray logp, NDArray behaviourLogp, NDArray advantages, NDArray mask,
                                 PolicyLossConfig cfg) {
        LossShapes.requireBt(logp, "logp");
        LossShapes.requireSame(logp, behaviourLogp, "behaviourLogp");
        NDArray m = MaskedAggregation.asBoolean(mask, "mask");
        LossShapes.requireSame(logp, m, "mask");
        NDArray adv = LossShapes.advantagesBt(advantages, logp);
        NDArray old = behaviourLogp.toType(logp.getDataType(), false).stopGradient();

        NDArray logRatio = logp.sub(old).clip(-PolicyLoss.LOG_RATIO_CLAMP, PolicyLoss.LOG_RATIO_CLAMP);
        NDArray unclipped = adv.neg().mul(logRatio.exp());
        NDArray clippedBranch = adv.neg().mul(
                logRatio.clip(Math.log(1.0 - cfg.epsLow()), Math.log(1.0 + cfg.epsHigh())).exp());
        NDArray pg = unclipped.maximum(clippedBranch);
        NDArray perToken = pg;
        double dualFraction = 0.0;
        if (cfg.dualClip() > 1.0) {
            NDArray bound = adv.mul(-cfg.dualClip());
            NDArray dualTaken = adv.lt(0).logicalAnd(bound.lt(pg));
            perToken = NDArrays.where(dualTaken, bound, pg);
            dualFraction = MaskedAggregation.tokenMean(dualTaken.toType(logp.getDataType(), false), m);
        }
        NDArray loss = MaskedAggregation.aggregate(perToken, m, cfg.aggregation());

        NDArray clipped = clippedBranch.stopGradient().gt(unclipped.stopGradient());
        double clipFraction = MaskedAggregation.tokenMean(clipped.toType(logp.getDataType(), false), m);
        double approxKl = MaskedAggregation.tokenMean(old.sub(logp.stopGradient()), m);
        return new Result(perToken, loss, clipFraction, dualFraction, approxKl);
    }

    /** Shape checks shared by the loss terms; errors name the offending argument. */
    static final class LossShapes {
        private LossShapes() {
        }

        static void requireBt(NDArray x, String field) {
            if (x == null || x.getShape().dimension() != 2) {
                throw new AepoInputException(field + " must be [B, T], got " + (x == null ? "null" : x.getShape()));
            }
            if (!x.getDataType().isFloating()) {
                throw new AepoInputException(field + " must be floating point, got " + x.getDataType());
            }
        }

        static void requireSame(NDArray ref, NDArray x, String field) {
            if (x == null || !x.getShape().equals(ref.getShape())) {
                throw new AepoInputException(field + " must have shape " + ref.getShape() + ", got "
                        + (x == null ? "null" : x.getShape()));
            }
        }

        static NDArray advantagesBt(NDArray advantages, NDArray logp) {
            if (advantages == null) {
                throw new AepoInputException("advantages must not be null");
            }
            long b = logp.getShape().get(0);
            NDArray a = advantages.toType(logp.getDataType(), false).stopGradient();
            if (a.getShape().dimension() == 1 && a.getShape().get(0) == b) {
                return a.reshape(b, 1).repeat(1, logp.getShape().get(1));
            }
            requireSame(logp, a, "advantages (or [" + b + "])");
            return a;
        }
    }
}
