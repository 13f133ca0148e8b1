package dev.ares.core.aepo;

/**
 * Everything AEPO carries from step to step (spec §14 "Everything stateful … is an explicit state record").
 * Immutable; functions return a new instance. Serialises with Jackson into checkpoints and scored records.
 *
 * @param step number of scored batches so far
 * @param tau HWE threshold τ in nats, or null before the first batch statistic (no −1 sentinel: fixes B5)
 * @param alpha per-bucket α_d of the code shaping
 * @param laggedTargets paper reading: T_prev(d) from earlier batches (null entries: none yet)
 * @param beta official log-β controller state
 * @param kappa paper κ_d per bucket
 */
public record ControllerState(long step, Double tau, BucketValues alpha, BucketTargets laggedTargets,
                              BetaControllerState beta, BucketValues kappa) {

    /** Rejects missing parts. */
    public ControllerState {
        if (alpha == null || laggedTargets == null || beta == null || kappa == null) {
            throw new AepoInputException("ControllerState: alpha, laggedTargets, beta and kappa must be set");
        }
    }

    /** @return the state before any batch */
    public static ControllerState initial(AepoConfig cfg) {
        return new ControllerState(0, null, BucketValues.all(cfg.reward().alphaInit()), BucketTargets.NONE,
                BetaControllerState.initial(cfg.kl()), cfg.kl().kappaInit());
    }

    /** @return a copy with another τ */
    public ControllerState withTau(Double newTau) {
        return new ControllerState(step, newTau, alpha, laggedTargets, beta, kappa);
    }

    /** @return a copy with another log-β controller state (learner side) */
    public ControllerState withBeta(BetaControllerState b) {
        return new ControllerState(step, tau, alpha, laggedTargets, b, kappa);
    }

    /** @return a copy with other κ values (learner side) */
    public ControllerState withKappa(BucketValues k) {
        return new ControllerState(step, tau, alpha, laggedTargets, beta, k);
    }
}
