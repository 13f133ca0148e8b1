package dev.ares.core.aepo;

/**
 * Complete AEPO configuration (spec §16 defaults). Build with {@link #code()} (default) or {@link #paper()} and
 * adjust with the {@code with…} methods. Serialises with Jackson.
 *
 * @param reading which reading the shaping follows (code formula or paper λ)
 * @param window window width w in tokens (4)
 * @param windowMode window placement (code: forward-exclusive; paper: forward-inclusive)
 * @param hweRule HWE definition
 * @param threshold τ rule
 * @param reward buckets, shaping, filter, advantages
 * @param kl KL loss and controller
 * @param loss clipped surrogate
 */
public record AepoConfig(Reading reading, int window, Windows.Mode windowMode, HweEvents.Rule hweRule,
                         ThresholdConfig threshold, RewardConfig reward, KlConfig kl, PolicyLossConfig loss) {

    /** Validates the window width and presence of parts. */
    public AepoConfig {
        if (reading == null || windowMode == null || hweRule == null || threshold == null || reward == null
                || kl == null || loss == null) {
            throw new AepoInputException("AepoConfig: every part must be set");
        }
        if (window <= 0) {
            throw new AepoInputException("window must be > 0, got " + window);
        }
    }

    /** @return the project default: the official code's behaviour with bugs B1–B11 fixed */
    public static AepoConfig code() {
        return new AepoConfig(Reading.CODE, 4, Windows.Mode.FORWARD_EXCLUSIVE, HweEvents.Rule.WINDOW_TRIGGER,
                ThresholdConfig.code(), RewardConfig.code(), KlConfig.code(), PolicyLossConfig.code());
    }

    /** @return the paper reading (Sec. 3.2) with the project's defaults for the numbers the paper lacks */
    public static AepoConfig paper() {
        return new AepoConfig(Reading.PAPER, 4, Windows.Mode.FORWARD_INCLUSIVE, HweEvents.Rule.WINDOW_TRIGGER,
                ThresholdConfig.paper(), RewardConfig.paper(), KlConfig.paper(), PolicyLossConfig.paper());
    }

    /**
     * The plain GRPO baseline of the AEPO-vs-GRPO experiment (issue 6 item 6): accuracy reward only (the
     * entropy-shaping scale alpha is pinned at 0, so every shaping term is 0), no online filter, and a fixed KL
     * coefficient (k3, controller {@link KlConfig.Controller#NONE}, beta_d = 1, no rho relaxation, no second chance).
     * Buckets, threshold and advantages are computed as in {@link #code()}, so the two runs differ only in the reward
     * shaping and the KL control.
     *
     * @return the GRPO configuration
     */
    public static AepoConfig grpo() {
        AepoConfig c = code();
        RewardConfig r = c.reward();
        RewardConfig flat = new RewardConfig(r.easyMin(), r.mediumMin(), r.constants(), r.roundTargets(), 0.0, 0.0, 0.0,
                0.0, r.orderingGuard(), r.lambdaEps(), r.targetEmaDecay(), r.formatWeight(), false, false,
                r.filterKey(), r.filterLow(), r.filterHigh(), r.advantageEps(), r.advantageUnbiased());
        KlConfig k = c.kl();
        KlConfig fixed = new KlConfig(k.estimator(), k.coef(), k.aggregation(), KlConfig.Controller.NONE,
                BucketValues.all(1.0), 1.0, false, k.secondChanceFactor(), k.secondChanceMinSoftCost(), k.betaTarget(),
                k.betaEmaRate(), k.betaDeadZone(), k.betaStep(), k.betaErrClip(), k.betaMin(), k.betaMax(),
                k.betaUpdateEvery(), k.kappaInit(), k.kappaDelta(), k.kappaStep(), k.kappaMin(), k.kappaMax());
        return new AepoConfig(c.reading(), c.window(), c.windowMode(), c.hweRule(), c.threshold(), flat, fixed, c.loss());
    }

    /** @return {@link #code()} or {@link #paper()} */
    public static AepoConfig of(Reading reading) {
        return reading == Reading.PAPER ? paper() : code();
    }

    /** @return a copy with window width w */
    public AepoConfig withWindow(int w) {
        return new AepoConfig(reading, w, windowMode, hweRule, threshold, reward, kl, loss);
    }

    /** @return a copy with another HWE rule */
    public AepoConfig withHweRule(HweEvents.Rule rule) {
        return new AepoConfig(reading, window, windowMode, rule, threshold, reward, kl, loss);
    }

    /** @return a copy with another threshold rule */
    public AepoConfig withThreshold(ThresholdConfig t) {
        return new AepoConfig(reading, window, windowMode, hweRule, t, reward, kl, loss);
    }

    /** @return a copy with another reward configuration */
    public AepoConfig withReward(RewardConfig r) {
        return new AepoConfig(reading, window, windowMode, hweRule, threshold, r, kl, loss);
    }

    /** @return a copy with τ fixed (null restores the batch rule) */
    public AepoConfig withFixedTau(Double tau) {
        return withThreshold(threshold.withFixedTau(tau));
    }
}
