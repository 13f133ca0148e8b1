package dev.ares.core.aepo;

/**
 * Bucketing, entropy-shaping, filtering and advantage configuration (spec §5, §6, §8, §14, §16).
 *
 * @param easyMin pass-rate lower bound of easy (2/3)
 * @param mediumMin pass-rate lower bound of medium (1/3)
 * @param constants official shaping constants (code reading)
 * @param roundTargets round T_d half-to-even (code) or keep the real mean
 * @param alphaInit initial α_d (0.5)
 * @param alphaLr α learning rate (0.05)
 * @param alphaMin α lower clip (0)
 * @param alphaMax α upper clip (2 official; see B10)
 * @param orderingGuard floor a correct answer's reward at an incorrect answer's maximum (fix of B10)
 * @param lambdaEps ε of the paper's closed-form λ_d
 * @param targetEmaDecay paper reading: lagged target T_prev ← decay·T_prev + (1 − decay)·E_batch[N|d]; 0 = previous
 *                       iteration's mean
 * @param formatWeight weight of the format flag in the overall reward (0: official AEPO)
 * @param officialB1AllEasy reproduce bug B1: shape every response as easy with target 0 and α 0.5 (off by default)
 * @param filterEnabled apply the online filter
 * @param filterKey what the filter averages
 * @param filterLow strict lower bound (0.01)
 * @param filterHigh strict upper bound (0.99)
 * @param advantageEps std epsilon (1e−6)
 * @param advantageUnbiased N − 1 std (true, torch)
 */
public record RewardConfig(double easyMin, double mediumMin, ShapingConstants constants, boolean roundTargets,
                           double alphaInit, double alphaLr, double alphaMin, double alphaMax, boolean orderingGuard,
                           double lambdaEps, double targetEmaDecay, double formatWeight, boolean officialB1AllEasy,
                           boolean filterEnabled, Rewards.FilterKey filterKey, double filterLow, double filterHigh,
                           double advantageEps, boolean advantageUnbiased) {

    /** Validates ranges. */
    public RewardConfig {
        Checks.inRange(mediumMin, 0.0, 1.0, "reward.mediumMin");
        Checks.inRange(easyMin, mediumMin, 1.0, "reward.easyMin");
        if (alphaMin > alphaMax || alphaInit < alphaMin || alphaInit > alphaMax) {
            throw new AepoInputException("reward: alphaMin <= alphaInit <= alphaMax required");
        }
        Checks.inRange(targetEmaDecay, 0.0, 1.0, "reward.targetEmaDecay");
        if (!(lambdaEps > 0) || !(advantageEps >= 0) || filterLow > filterHigh) {
            throw new AepoInputException("reward: lambdaEps > 0, advantageEps >= 0, filterLow <= filterHigh required");
        }
    }

    /** @return the official reward (spec §6.3) with shaping after bucketing, B10 guard, accuracy filter */
    public static RewardConfig code() {
        return new RewardConfig(2.0 / 3.0, 1.0 / 3.0, ShapingConstants.official(), true, 0.5, 0.05, 0.0, 2.0, true,
                1e-6, 0.0, 0.0, false, true, Rewards.FilterKey.ACCURACY, 0.01, 0.99, 1e-6, true);
    }

    /** @return the paper reward (spec §6.2) with the same buckets, filter and advantages */
    public static RewardConfig paper() {
        return new RewardConfig(2.0 / 3.0, 1.0 / 3.0, ShapingConstants.official(), false, 0.5, 0.05, 0.0, 2.0, true,
                1e-6, 0.0, 0.0, false, true, Rewards.FilterKey.ACCURACY, 0.01, 0.99, 1e-6, true);
    }

    /** @return a copy with the B1 reproduction flag set */
    public RewardConfig withOfficialB1AllEasy(boolean on) {
        return new RewardConfig(easyMin, mediumMin, constants, roundTargets, alphaInit, alphaLr, alphaMin, alphaMax,
                orderingGuard, lambdaEps, targetEmaDecay, formatWeight, on, filterEnabled, filterKey, filterLow,
                filterHigh, advantageEps, advantageUnbiased);
    }

    /** @return a copy with another filter key */
    public RewardConfig withFilter(boolean enabled, Rewards.FilterKey key) {
        return new RewardConfig(easyMin, mediumMin, constants, roundTargets, alphaInit, alphaLr, alphaMin, alphaMax,
                orderingGuard, lambdaEps, targetEmaDecay, formatWeight, officialB1AllEasy, enabled, key, filterLow,
                filterHigh, advantageEps, advantageUnbiased);
    }

    /** @return a copy with the B10 ordering guard switched */
    public RewardConfig withOrderingGuard(boolean on) {
        return new RewardConfig(easyMin, mediumMin, constants, roundTargets, alphaInit, alphaLr, alphaMin, alphaMax,
                on, lambdaEps, targetEmaDecay, formatWeight, officialB1AllEasy, filterEnabled, filterKey, filterLow,
                filterHigh, advantageEps, advantageUnbiased);
    }
}
