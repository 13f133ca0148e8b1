package dev.ares.reward;

import dev.ares.core.aepo.AepoConfig;
import dev.ares.core.aepo.Reading;
import dev.ares.core.aepo.RewardConfig;
import dev.ares.core.aepo.Rewards;
import dev.ares.core.aepo.ThresholdConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds the scorer's {@link AepoConfig} from the service's {@code ares.reward.*} properties. Every property left
 * unset keeps the default of the chosen reading ({@link AepoConfig#code()} or {@link AepoConfig#paper()}, i.e.
 * aepo-spec §16: window 4, p95 per sequence, batch median, EMA 0.99, code shaping after bucketing, accuracy filter).
 */
final class AepoSettings {
    private AepoSettings() {
    }

    /**
     * @param mode          {@code ares.reward.mode}: {@code code}, {@code paper} or {@code grpo} (accuracy reward only,
     *                      no online filter)
     * @param window        {@code ares.reward.window}: window width w in tokens, {@code > 0}
     * @param fixedTau      {@code ares.reward.tau}: a fixed HWE threshold in nats, never updated
     * @param emaDecay      {@code ares.reward.threshold-ema-decay}: τ EMA decay in [0, 1]
     * @param filterEnabled {@code ares.reward.filter.enabled}: apply the online filter
     * @param filterKey     {@code ares.reward.filter.key}: {@code accuracy} or {@code overall}
     * @param formatWeight  {@code ares.reward.format-weight}: weight of the format flag in the overall reward
     * @return the configuration
     * @throws IllegalArgumentException naming the property when a value is not allowed
     */
    static AepoConfig build(String mode, Optional<Integer> window, Optional<Double> fixedTau, Optional<Double> emaDecay,
                            boolean filterEnabled, String filterKey, double formatWeight) {
        AepoConfig cfg = isGrpo(mode) ? AepoConfig.grpo() : AepoConfig.of(reading(mode));
        if (window.isPresent()) {
            if (window.get() <= 0) {
                throw new IllegalArgumentException("ares.reward.window must be > 0, got " + window.get());
            }
            cfg = cfg.withWindow(window.get());
        }
        ThresholdConfig t = cfg.threshold();
        if (emaDecay.isPresent()) {
            double d = emaDecay.get();
            if (!(d >= 0.0 && d <= 1.0)) {
                throw new IllegalArgumentException("ares.reward.threshold-ema-decay must be in [0, 1], got " + d);
            }
            t = new ThresholdConfig(t.source(), t.quantile(), t.pad(), t.reduce(), d, t.lagged(), t.fixedTau());
        }
        if (fixedTau.isPresent()) {
            double tau = fixedTau.get();
            if (!(tau >= 0.0) || Double.isInfinite(tau)) {
                throw new IllegalArgumentException("ares.reward.tau must be finite and >= 0 nats, got " + tau);
            }
            t = t.withFixedTau(tau);
        }
        cfg = cfg.withThreshold(t);
        if (!Double.isFinite(formatWeight)) {
            throw new IllegalArgumentException("ares.reward.format-weight must be finite, got " + formatWeight);
        }
        RewardConfig r = cfg.reward().withFilter(filterEnabled && !isGrpo(mode), filterKey(filterKey));
        r = new RewardConfig(r.easyMin(), r.mediumMin(), r.constants(), r.roundTargets(), r.alphaInit(), r.alphaLr(),
                r.alphaMin(), r.alphaMax(), r.orderingGuard(), r.lambdaEps(), r.targetEmaDecay(), formatWeight,
                r.officialB1AllEasy(), r.filterEnabled(), r.filterKey(), r.filterLow(), r.filterHigh(),
                r.advantageEps(), r.advantageUnbiased());
        return cfg.withReward(r);
    }

    /** True for {@code ares.reward.mode=grpo}: the plain GRPO baseline ({@link AepoConfig#grpo()}). */
    static boolean isGrpo(String mode) {
        return mode != null && mode.strip().equalsIgnoreCase("grpo");
    }

    static Reading reading(String mode) {
        return switch (mode == null ? "" : mode.strip().toLowerCase(Locale.ROOT)) {
            case "code" -> Reading.CODE;
            case "paper" -> Reading.PAPER;
            default -> throw new IllegalArgumentException("ares.reward.mode must be code, paper or grpo, got '" + mode + "'");
        };
    }

    static Rewards.FilterKey filterKey(String key) {
        return switch (key == null ? "" : key.strip().toLowerCase(Locale.ROOT)) {
            case "accuracy" -> Rewards.FilterKey.ACCURACY;
            case "overall" -> Rewards.FilterKey.OVERALL;
            default -> throw new IllegalArgumentException("ares.reward.filter.key must be accuracy or overall, got '"
                    + key + "'");
        };
    }
}
