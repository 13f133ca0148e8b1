package dev.ares.core.aepo;

/**
 * Dynamic KL controllers (spec §7). Both are pure: they take the current state and statistics already reduced
 * across data-parallel ranks (fixing bug B3) and return a new state.
 */
public final class KlControllers {
    private KlControllers() {
    }

    /**
     * Paper Alg. 1 line 24 (spec §7.1): κ_d ← clip(κ_d·(1 + α_κ·(KL_ctrl/δ_d − 1)), κ_min, κ_max), one bucket.
     *
     * @param kappa current κ_d
     * @param klCtrl non-window KL signal of the bucket (nats per token), see
     *               {@link KlDivergence#nonWindowSignal(double[], boolean[], boolean[], int, int)}
     * @param delta δ_d, the KL budget per token
     * @param alphaK α_κ, the step size
     * @param kmin lower clip
     * @param kmax upper clip
     * @return new κ_d
     */
    public static double kappaUpdate(double kappa, double klCtrl, double delta, double alphaK, double kmin,
                                     double kmax) {
        if (!(delta > 0)) {
            throw new AepoInputException("kappa delta must be > 0, got " + delta);
        }
        Checks.finite(klCtrl, "klCtrl");
        double k = kappa * (1.0 + alphaK * (klCtrl / delta - 1.0));
        return Math.min(kmax, Math.max(kmin, k));
    }

    /**
     * Paper κ update for every bucket with a signal (NaN: bucket absent this step, κ unchanged).
     *
     * @param state current κ per bucket
     * @param klCtrl [3] per-bucket non-window KL
     * @param cfg controller configuration
     * @return new κ per bucket
     */
    public static BucketValues kappaUpdate(BucketValues state, double[] klCtrl, KlConfig cfg) {
        double[] k = state.toArray();
        for (int d = 0; d < 3; d++) {
            if (!Double.isNaN(klCtrl[d])) {
                k[d] = kappaUpdate(k[d], klCtrl[d], cfg.kappaDelta().get(d), cfg.kappaStep(), cfg.kappaMin(),
                        cfg.kappaMax());
            }
        }
        return BucketValues.of(k);
    }

    /**
     * Official per-bucket log-β controller (spec §7.2, {@code _update_beta_per_bucket}) with its state made
     * explicit. For each bucket present (non-NaN {@code seqMeanKl}): KL̂ ← 0.03·cur + 0.97·KL̂ (initialised to cur);
     * e = KL̂/target − 1; on an update tick (every {@code updateEvery}-th call) and outside the dead zone |e| &lt; 0.02:
     * ê ← 0.03·e + 0.97·ê, log β ← clip(log β + 0.05·clip(ê, ±0.2), log 1e−4, log 100).
     *
     * @param state current controller state
     * @param seqMeanKl [3] per bucket, the mean over its sequences of the sequence-mean k3 (reduced across ranks),
     *                  NaN for absent buckets
     * @param cfg constants
     * @return the new state (tick counter incremented)
     */
    public static BetaControllerState logBetaUpdate(BetaControllerState state, double[] seqMeanKl, KlConfig cfg) {
        Checks.length(seqMeanKl.length, 3, "seqMeanKl");
        long tick = state.ticks() + 1;
        boolean updateTick = tick % cfg.betaUpdateEvery() == 0;
        BetaBucket[] b = {state.easy(), state.medium(), state.hard()};
        for (int d = 0; d < 3; d++) {
            double cur = seqMeanKl[d];
            if (Double.isNaN(cur)) {
                continue;
            }
            BetaBucket s = b[d];
            double klEma = s.klInitialized() ? cfg.betaEmaRate() * cur + (1 - cfg.betaEmaRate()) * s.klEma() : cur;
            double e = klEma / cfg.betaTarget() - 1.0;
            double errEma = s.errEma();
            double logBeta = s.logBeta();
            if (updateTick && Math.abs(e) >= cfg.betaDeadZone()) {
                errEma = cfg.betaEmaRate() * e + (1 - cfg.betaEmaRate()) * errEma;
                double step = Math.max(-cfg.betaErrClip(), Math.min(cfg.betaErrClip(), errEma));
                logBeta = Math.max(Math.log(cfg.betaMin()), Math.min(Math.log(cfg.betaMax()),
                        logBeta + cfg.betaStep() * step));
            }
            b[d] = new BetaBucket(logBeta, klEma, errEma, true);
        }
        return new BetaControllerState(b[0], b[1], b[2], tick);
    }
}
