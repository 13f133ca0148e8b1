package dev.ares.core.aepo;

/**
 * KL loss and controller configuration (spec §7, §16). Defaults: {@link #code()} and {@link #paper()}; the
 * paper gives no numbers for ρ, β_d, δ_d, α_κ, κ bounds, so the project's choices are documented in docs/aepo.md.
 *
 * @param estimator per-token estimator (k3 in both readings)
 * @param coef global KL coefficient (0.01)
 * @param aggregation token aggregation of the KL loss
 * @param controller which controller adapts the per-bucket scale
 * @param betaInit initial β_d (1.0), also the fixed β_d of the paper reading
 * @param rho relaxation ρ inside validated HWE windows, (0, 1]; 1 disables it (code reading)
 * @param secondChance enable the official per-sequence "second chance" factor (live, fixing B2)
 * @param secondChanceFactor its factor (0.67)
 * @param secondChanceMinSoftCost its soft-cost threshold (0.5)
 * @param betaTarget log-β controller target KL per token (0.01)
 * @param betaEmaRate EMA rate of KL̂ and ê (0.03)
 * @param betaDeadZone dead zone on |e| (0.02)
 * @param betaStep step on log β (0.05)
 * @param betaErrClip clip of ê (0.2)
 * @param betaMin lower bound of β (1e−4)
 * @param betaMax upper bound of β (100)
 * @param betaUpdateEvery update tick period in controller calls (1 = every optimizer step; official 100 micro-batches)
 * @param kappaInit initial κ_d
 * @param kappaDelta δ_d, the per-bucket KL budget per token
 * @param kappaStep α_κ
 * @param kappaMin κ_min
 * @param kappaMax κ_max
 */
public record KlConfig(KlDivergence.Estimator estimator, double coef, KlDivergence.Aggregation aggregation,
                       Controller controller, BucketValues betaInit, double rho, boolean secondChance,
                       double secondChanceFactor, double secondChanceMinSoftCost, double betaTarget,
                       double betaEmaRate, double betaDeadZone, double betaStep, double betaErrClip, double betaMin,
                       double betaMax, int betaUpdateEvery, BucketValues kappaInit, BucketValues kappaDelta,
                       double kappaStep, double kappaMin, double kappaMax) {

    /** The per-bucket scale controller. */
    public enum Controller {
        /** Official log-β controller on the sequence-mean KL of all tokens (spec §7.2). */
        LOG_BETA,
        /** Paper κ_d controller on the non-window KL (spec §7.1, Alg. 1 lines 20–24). */
        KAPPA,
        /** Fixed β_d. */
        NONE
    }

    /** Validates ranges. */
    public KlConfig {
        if (!(rho > 0 && rho <= 1)) {
            throw new AepoInputException("kl.rho must lie in (0, 1], got " + rho);
        }
        if (coef < 0 || betaTarget <= 0 || betaMin <= 0 || betaMax < betaMin || betaUpdateEvery <= 0
                || kappaMin <= 0 || kappaMax < kappaMin || kappaStep < 0) {
            throw new AepoInputException("kl: coef >= 0, betaTarget > 0, 0 < betaMin <= betaMax, betaUpdateEvery > 0,"
                    + " 0 < kappaMin <= kappaMax and kappaStep >= 0 are required");
        }
        for (int d = 0; d < 3; d++) {
            if (!(kappaDelta.get(d) > 0)) {
                throw new AepoInputException("kl.kappaDelta." + Bucket.of(d).label() + " must be > 0");
            }
        }
    }

    /** @return the official code's KL (k3, coef 0.01, log-β controller, live second chance, no ρ) */
    public static KlConfig code() {
        return new KlConfig(KlDivergence.Estimator.K3, 0.01, KlDivergence.Aggregation.TOKEN_MEAN, Controller.LOG_BETA,
                BucketValues.all(1.0), 1.0, true, 0.67, 0.5, 0.01, 0.03, 0.02, 0.05, 0.2, 1e-4, 100.0, 1,
                BucketValues.all(1.0), BucketValues.all(0.01), 0.1, 0.1, 10.0);
    }

    /** @return the paper reading (ρ = 0.67 in validated windows, κ controller, project defaults for the rest) */
    public static KlConfig paper() {
        return new KlConfig(KlDivergence.Estimator.K3, 0.01, KlDivergence.Aggregation.SEQ_MEAN_TOKEN_MEAN,
                Controller.KAPPA, BucketValues.all(1.0), 0.67, false, 0.67, 0.5, 0.01, 0.03, 0.02, 0.05, 0.2, 1e-4,
                100.0, 1, BucketValues.all(1.0), BucketValues.all(0.01), 0.1, 0.1, 10.0);
    }
}
