package dev.ares.model.loss;

import ai.djl.ndarray.NDArray;
import dev.ares.core.aepo.AepoInputException;
import dev.ares.core.aepo.KlConfig;
import dev.ares.core.aepo.PolicyLossConfig;

/**
 * The actor loss of one micro-batch (aepo-spec §7 and §8; paper Eq. 2 and Alg. 1 lines 17–22):
 * L = L_clip + coef · agg(β_{d(i)} · ρ^{W_{i,t}} · kl_{i,t}), with KL used as an actor loss, not a reward
 * penalty. The clipped surrogate is {@link NdPolicyLoss}; the KL estimator, weights and aggregation are
 * {@link NdKlDivergence}. Only {@link Inputs#logp()} receives gradients.
 */
public final class AepoLoss {
    private AepoLoss() {
    }

    /**
     * Inputs of one micro-batch; B responses padded to T tokens.
     *
     * @param logp {@code [B, T]} log π_θ of the sampled tokens, natural log (requires gradients when training)
     * @param behaviourLogp {@code [B, T]} log π_old of the behaviour policy that sampled the tokens
     * @param refLogp {@code [B, T]} log π_ref of the frozen reference, or null when the KL coefficient is 0
     * @param advantages {@code [B]} or {@code [B, T]} advantages
     * @param mask {@code [B, T]} response mask (boolean or nonzero)
     * @param window {@code [B, T]} tokens inside validated HWE windows, or null for none
     * @param betaPerSeq {@code [B]} per-sequence KL scale β_{d(i)} (see
     *                   {@link dev.ares.core.aepo.KlDivergence#sequenceScales}), or null for 1
     */
    public record Inputs(NDArray logp, NDArray behaviourLogp, NDArray refLogp, NDArray advantages, NDArray mask,
                         NDArray window, NDArray betaPerSeq) {
    }

    /**
     * Loss and metrics.
     *
     * @param loss scalar total loss L_clip + coef · L_KL (differentiable)
     * @param policyLoss scalar clipped-surrogate term (differentiable)
     * @param klLoss scalar weighted KL term before the coefficient, nats (differentiable)
     * @param clipFraction fraction of masked tokens where the clipped branch was taken
     * @param dualClipFraction fraction of masked tokens where the dual-clip bound was taken
     * @param approxKl masked token mean of log π_old − log π_θ, nats
     * @param meanKl masked token mean of the unweighted estimator against π_ref, nats (0 without refLogp)
     * @param klControlSignal paper Alg. 1 non-window KL signal (spec §7.1), nats (0 without refLogp)
     */
    public record Result(NDArray loss, NDArray policyLoss, NDArray klLoss, double clipFraction,
                         double dualClipFraction, double approxKl, double meanKl, double klControlSignal) {
    }

    /**
     * Computes the loss.
     *
     * @param in the micro-batch
     * @param policy clip constants and policy-loss aggregation
     * @param kl estimator, coefficient, KL aggregation and ρ
     * @return the differentiable loss terms and plain-double metrics
     */
    public static Result compute(Inputs in, PolicyLossConfig policy, KlConfig kl) {
        NdPolicyLoss.Result pg = NdPolicyLoss.compute(in.logp(), in.behaviourLogp(), in.advantages(), in.mask(),
                policy);
        if (in.refLogp() == null) {
            if (kl.coef() != 0.0) {
                throw new AepoInputException("refLogp is required when kl.coef = " + kl.coef() + " != 0");
            }
            NDArray zero = pg.loss().zerosLike();
            return new Result(pg.loss(), pg.loss(), zero, pg.clipFraction(), pg.dualClipFraction(), pg.approxKl(),
                    0.0, 0.0);
        }
        NDArray mask = MaskedAggregation.asBoolean(in.mask(), "mask");
        long b = in.logp().getShape().get(0);
        long t = in.logp().getShape().get(1);
        NDArray beta = in.betaPerSeq() == null ? in.logp().getManager().ones(new ai.djl.ndarray.types.Shape(b),
                in.logp().getDataType()) : in.betaPerSeq().toType(in.logp().getDataType(), false);
        if (beta.getShape().dimension() != 1 || beta.getShape().get(0) != b) {
            throw new AepoInputException("betaPerSeq must be [" + b + "], got " + beta.getShape());
        }
        NDArray perToken = NdKlDivergence.perToken(in.logp(), in.refLogp(), kl.estimator());
        NDArray weights = NdKlDivergence.weights(beta, in.window(), t, kl.rho());
        NDArray klLoss = NdKlDivergence.loss(perToken, weights, mask, kl.aggregation());
        NDArray total = pg.loss().add(klLoss.mul(kl.coef()));
        double meanKl = MaskedAggregation.tokenMean(perToken, mask);
        double signal = NdKlDivergence.nonWindowSignal(perToken, in.window(), mask);
        return new Result(total, pg.loss(), klLoss, pg.clipFraction(), pg.dualClipFraction(), pg.approxKl(), meanKl,
                signal);
    }
}
