package dev.ares.core.aepo;

/**
 * HWE threshold rule (spec §3.2 step 5, §3.3, §16).
 *
 * @param source token entropies (paper) or window means (code)
 * @param quantile per-sequence quantile, 0.95
 * @param pad padding of positions without a complete window ({@link Threshold.Source#WINDOW_MEAN} only)
 * @param reduce batch reduction: median (code) or mean (paper)
 * @param emaDecay EMA decay across steps (0.99 code, 0 paper)
 * @param lagged use the threshold of earlier steps for this step's events (code) instead of this batch's
 * @param fixedTau when non-null, τ is this value and never updated (CLI {@code --tau})
 */
public record ThresholdConfig(Threshold.Source source, double quantile, Quantiles.Pad pad, Threshold.Reduce reduce,
                              double emaDecay, boolean lagged, Double fixedTau) {

    /** Validates ranges. */
    public ThresholdConfig {
        Checks.inRange(quantile, 0.0, 1.0, "threshold.quantile");
        Checks.inRange(emaDecay, 0.0, 1.0, "threshold.emaDecay");
        if (fixedTau != null) {
            Checks.finite(fixedTau, "threshold.fixedTau");
        }
    }

    /** @return the official rule (p95 of padded window means, batch median, EMA 0.99, lagged) */
    public static ThresholdConfig code() {
        return new ThresholdConfig(Threshold.Source.WINDOW_MEAN, 0.95, Quantiles.Pad.RUNNING_MEAN,
                Threshold.Reduce.MEDIAN, 0.99, true, null);
    }

    /** @return the paper rule (p95 of token entropies, batch mean, recomputed every batch) */
    public static ThresholdConfig paper() {
        return new ThresholdConfig(Threshold.Source.TOKEN_ENTROPY, 0.95, Quantiles.Pad.IGNORE, Threshold.Reduce.MEAN,
                0.0, false, null);
    }

    /** @return a copy with τ fixed (null: batch rule) */
    public ThresholdConfig withFixedTau(Double tau) {
        return new ThresholdConfig(source, quantile, pad, reduce, emaDecay, lagged, tau);
    }
}
